#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "agent/store/sqlite.hpp"
#include "common/base/expected.hpp"

namespace cs::agent {

// Per-entity bookkeeping kept beside its state table.
struct EntityRecord {
    std::int64_t entity_id = 0;
    std::string name;
    std::int64_t row_count = 0;
    std::int64_t state_version = 0;        // bumped by every commit that changes the entity's state
    std::optional<std::string> watermark;  // incremental sources: last date_last_modified seen
    std::optional<std::string> cursor;     // resumable background read position
    std::optional<std::int64_t> last_full_read_at;  // unix micros
};

// The agent's durable store (one SQLite file in WAL mode): row state per entity,
// the outbox, the quarantine, failed rows and run history. Everything a change
// set reflects is written in the same transaction as the change set itself.
class StateDb {
public:
    static constexpr int kSchemaVersion = 1;

    static Expected<StateDb> open(const std::filesystem::path& path,
                                  const sqlite::OpenOptions& options = {});

    sqlite::Database& db() { return db_; }
    // The stream this store writes: created with the store, never reused.
    const std::string& stream_id() const { return stream_id_; }

    // Registers the entity on first use and creates its state table.
    Expected<EntityRecord> entity(const std::string& name);
    Expected<std::optional<EntityRecord>> find_entity(const std::string& name);
    static std::string state_table(std::int64_t entity_id);

    // Must be called inside a write transaction: reads and advances the stream's
    // sequence counter, so two writers can never take the same number and a
    // number is never handed out twice, even across crashes.
    Expected<std::uint64_t> allocate_sequence();
    // The next sequence that would be allocated (read-only peek).
    Expected<std::uint64_t> peek_next_sequence();

    // Also bumps the entity's state_version: call it in every transaction that
    // changes the entity's state table.
    Status set_row_count(std::int64_t entity_id, std::int64_t count);
    Status set_watermark(std::int64_t entity_id, const std::optional<std::string>& watermark);
    Status set_cursor(std::int64_t entity_id, const std::optional<std::string>& cursor);
    Status mark_full_read(std::int64_t entity_id, std::int64_t at_micros);

    // The fingerprint (content hash and entity configuration) of the file most
    // recently processed for the entity, if any: the same file dropped again is
    // not read again.
    Expected<std::optional<std::string>> last_processed_fingerprint(const std::string& entity);
    // Records that run `run_id` processed file `name` (of `size` bytes) for the entity.
    Status remember_processed_file(const std::string& entity, const std::string& fingerprint,
                                   const std::string& name, std::uint64_t size,
                                   const std::string& run_id);

private:
    Status migrate();
    Status load_meta();

    sqlite::Database db_;
    std::string stream_id_;
};

std::int64_t now_micros();

}  // namespace cs::agent

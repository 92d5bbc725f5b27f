#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/store/sqlite.hpp"
#include "common/base/expected.hpp"

namespace cs::agent {

// One change set waiting for the relay's acknowledgement.
struct OutboxEntry {
    std::uint64_t sequence = 0;
    std::string entity;
    std::string run_id;
    std::int64_t created_at = 0;  // unix micros
    std::int64_t row_count = 0;
    std::string frame;  // the encoded change set, as sent on the wire
};

struct OutboxStats {
    std::int64_t depth = 0;  // change sets waiting
    std::int64_t bytes = 0;
    std::int64_t rows = 0;
    std::optional<std::int64_t> oldest_created_at;  // unix micros
    std::int64_t quarantined = 0;
};

// The durable buffer between the pipeline and the relay. Entries are written in
// the same transaction as the state they reflect and removed only when the relay
// acknowledges them (or quarantined when it rejects them).
class Outbox {
public:
    explicit Outbox(sqlite::Database& db) : db_(&db) {}

    // Inside the caller's write transaction.
    Status append(const OutboxEntry& entry);

    // Up to `limit` entries with a sequence above `after`, in order.
    Expected<std::vector<OutboxEntry>> pending(std::uint64_t after, std::size_t limit);
    // Removes entries acknowledged as applied or duplicate: every sequence up to
    // and including `sequence` (the relay applies a stream strictly in order).
    Expected<std::int64_t> acknowledge_through(std::uint64_t sequence);
    // Moves one rejected entry to the quarantine with the relay's reason.
    Status quarantine(std::uint64_t sequence, const std::string& error);
    Expected<std::vector<OutboxEntry>> quarantined(std::size_t limit);
    Expected<OutboxStats> stats();

private:
    sqlite::Database* db_;
};

}  // namespace cs::agent

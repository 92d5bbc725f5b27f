#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "agent/delta/key_index.hpp"
#include "agent/delta/state_table.hpp"
#include "agent/identity/identity.hpp"
#include "agent/outbox/outbox.hpp"
#include "agent/store/state_db.hpp"
#include "agent/track/run_record.hpp"
#include "agent/validate/failed_row.hpp"
#include "common/rows/raw_batch.hpp"
#include "common/wire/codec.hpp"

namespace cs::agent {

struct DeltaOptions {
    // The source is a complete snapshot: keys it does not contain are deleted,
    // but only when the read completes.
    bool full_read = true;
    double max_delete_fraction = 0.5;
    bool force = false;  // apply deletes above max_delete_fraction
    std::size_t max_rows_per_set = 20'000;
    std::size_t max_set_body_bytes = 8u << 20;
    // Change sets per SQLite transaction: fewer commits mean fewer fsyncs; a crash
    // loses at most this many uncommitted sets, which the next run redoes.
    std::size_t sets_per_commit = 4;
    // Where the key index is saved between runs (empty: never saved).
    std::filesystem::path snapshot_dir;
    int zstd_level = 3;
    // Skip normalizing rows whose raw bytes match the state (off for retries,
    // whose raw text is not what a source read would produce).
    bool raw_skip = true;
    // Failed rows this run replaces (a retry): removed in the run's first
    // transaction, so a row is never lost between the store and the outbox. When
    // empty, a full read replaces the failures of earlier reads of the same source.
    std::vector<std::int64_t> replace_failed_ids;
};

// Decides INSERT / UPDATE / DELETE / SKIP for one entity's run against its
// state, and writes each change set to the outbox in the same SQLite
// transaction as the state changes it carries. Rows must be added in source
// order: the first occurrence of a business key wins, later ones fail as
// duplicates.
class DeltaWriter {
public:
    // Loads the entity's key state (one sequential scan) and opens the run.
    static Expected<std::unique_ptr<DeltaWriter>> begin(StateDb& store, EntityRecord entity,
                                                        const IdentitySpec& spec, RunRecord& run,
                                                        const DeltaOptions& options);
    ~DeltaWriter();

    // Applies rows (in order) and records failed rows. `raw` is the batch the rows
    // came from, used to describe duplicates.
    Status add(std::span<HashedRow> rows, const RawBatch& raw, std::span<const FailedRow> failed);
    // Ends the run's writing. With a full read that completed, keys not seen are
    // deleted — unless that is more than max_delete_fraction of the entity and
    // force is off: then no delete is written and refused() is true.
    Status finish(bool read_complete);
    // Discards the uncommitted tail (a failed run keeps what it already committed).
    void abandon();

    bool refused() const { return refused_; }
    std::size_t index_memory_bytes() const {
        return index_.memory_bytes() + raw_rows_.memory_bytes();
    }
    // Rows known at the start of the run by their raw bytes; read-only, shared
    // with normalize workers.
    const RawRowSet& raw_rows() const { return raw_rows_; }

private:
    DeltaWriter(StateDb& store, EntityRecord entity, const IdentitySpec& spec, RunRecord& run,
                const DeltaOptions& options);
    Status load_index();
    bool load_snapshot();
    Status scan_state();
    void save_snapshot();
    Status prepare_statements();
    Status ensure_transaction();
    Status ensure_set();
    Status write_change(wire::Op op, const HashedRow& row);
    Status flush(bool commit);
    Status apply_deletes();
    Status record_failed(const FailedRow& row);
    Status record_duplicate(const HashedRow& row, const RawBatch& raw);
    Status replace_earlier_failures();

    StateDb& store_;
    EntityRecord entity_;
    const IdentitySpec& spec_;
    RunRecord& run_;
    DeltaOptions options_;
    Outbox outbox_;
    FailedRowStore failed_;
    KeyIndex index_;
    std::vector<Hash128> raw_;  // current raw hash of each index entry
    RawRowSet raw_rows_;
    std::int64_t initial_rows_ = 0;
    bool tx_open_ = false;
    bool set_open_ = false;
    std::size_t uncommitted_sets_ = 0;
    bool cleared_source_failures_ = false;
    bool refused_ = false;
    std::uint64_t set_sequence_ = 0;
    wire::ChangeSet header_;
    wire::ChangeSetWriter writer_;
    StateTable state_;
};

}  // namespace cs::agent

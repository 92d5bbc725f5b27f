#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

#include "common/base/expected.hpp"
#include "common/hash/hash128.hpp"

namespace cs::agent {

// A saved copy of an entity's key index (keys, data hashes, state rowids and raw
// hashes), stamped with the entity's state_version. Loading it costs a few
// milliseconds per million rows where scanning the state table costs most of a
// second. It is only a cache on the local disk, in this machine's byte order:
// the state table stays the truth, and a snapshot whose version, size or
// checksum does not match is ignored and rebuilt from the table.
struct SnapshotRow {
    Hash128 bk;
    Hash128 data_hash;
    Hash128 raw_hash;
    std::int64_t rowid = 0;
};

// Streams rows to <path>.tmp and renames it into place on commit().
class SnapshotWriter {
public:
    static Expected<SnapshotWriter> open(const std::filesystem::path& path, std::int64_t entity_id,
                                         std::int64_t state_version);
    ~SnapshotWriter();
    SnapshotWriter(SnapshotWriter&&) noexcept;
    SnapshotWriter& operator=(SnapshotWriter&&) = delete;

    Status write(const SnapshotRow& row);
    Status commit();

private:
    SnapshotWriter() = default;
    struct State;
    std::unique_ptr<State> state_;
};

// Feeds every row of a snapshot matching `entity_id` and `state_version` to
// `fn`. Returns false (after possibly feeding some rows, which the caller must
// then discard) when there is none, it is stale, or it is damaged.
bool load_index_snapshot(const std::filesystem::path& path, std::int64_t entity_id,
                         std::int64_t state_version,
                         const std::function<void(const SnapshotRow&)>& fn);

}  // namespace cs::agent

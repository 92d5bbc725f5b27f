#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/delta/key_index.hpp"
#include "agent/store/sqlite.hpp"
#include "common/base/expected.hpp"

namespace cs::agent {

// One row of an entity's state table as scan() reads it.
struct StateRow {
    std::int64_t rowid = 0;
    Hash128 bk;
    Hash128 data_hash;
    Hash128 raw_hash;     // zero when the row was never read from raw bytes
    bool intact = false;  // false: bk or data_hash is not 16 bytes (bk and data_hash are zero)
};

// Reads and writes one entity's state table. Inserts are queued and written 32 rows
// per statement, which takes a third less CPU than one statement per row; the
// rowids SQLite assigns (consecutive, appended after the largest) are then
// filled into the key index.
class StateTable {
public:
    static constexpr std::size_t kInsertBatch = 32;

    static Expected<StateTable> prepare(sqlite::Database& db, const std::string& table);

    // Reads every row of `table` in one sequential scan, in rowid order; the
    // first error `visit` returns ends the scan and is returned.
    static Status scan(sqlite::Database& db, const std::string& table,
                       const std::function<Status(const StateRow&)>& visit);

    // Queues a new row for index entry `entry`; its rowid is set by flush().
    Status insert(KeyIndex& index, std::uint32_t entry, const Hash128& raw_hash);
    // Writes queued inserts. Call before committing and before any read that
    // needs their rowids.
    Status flush(KeyIndex& index);
    Status update(std::int64_t rowid, const Hash128& data_hash, const Hash128& raw_hash);
    Status update_raw(std::int64_t rowid, const Hash128& raw_hash);
    Status remove(std::int64_t rowid);

private:
    Status write_batch(KeyIndex& index, sqlite::Statement& statement, std::size_t count);

    sqlite::Database* db_ = nullptr;
    sqlite::Statement insert_one_;
    sqlite::Statement insert_batch_;
    sqlite::Statement update_;
    sqlite::Statement update_raw_;
    sqlite::Statement remove_;
    struct Pending {
        std::uint32_t entry;
        Hash128 raw;
    };
    std::vector<Pending> pending_;
};

}  // namespace cs::agent

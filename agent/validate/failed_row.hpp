#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/store/sqlite.hpp"
#include "common/base/expected.hpp"
#include "common/rows/raw_batch.hpp"

namespace cs::agent {

// A row that failed a pipeline stage. The run goes on; the row waits here with
// everything needed to understand it and to retry it after a fix.
struct FailedRow {
    std::int64_t id = 0;
    std::string run_id;
    std::string entity;
    std::string stage;  // read | normalize | map | validate | identity
    std::string field;  // empty when the failure is not about one field
    std::string error;
    std::string value;   // the offending raw value, if any
    std::string source;  // file name or source URL
    RowLocation location;
    std::string raw;    // the row as found in the source
    std::string cells;  // JSON object column -> text, for retry; empty if unreadable
    std::int64_t created_at = 0;
};

// Builds the JSON object of a raw row's cells (column name -> text or null).
std::string cells_json(const std::vector<std::string>& columns, std::span<const RawCell> cells);

class FailedRowStore {
public:
    explicit FailedRowStore(sqlite::Database& db) : db_(&db) {}

    // Inside the caller's transaction.
    Status insert(const FailedRow& row);

    struct Filter {
        std::string entity;  // empty: all
        std::int64_t after_id = 0;
        std::size_t limit = 100;
    };
    Expected<std::vector<FailedRow>> list(const Filter& filter);
    Expected<std::optional<FailedRow>> get(std::int64_t id);
    // Per entity: number of failed rows waiting.
    Expected<std::vector<std::pair<std::string, std::int64_t>>> counts();
    Status remove(std::int64_t id);
    // Removes all (or one entity's) failed rows; returns how many.
    Expected<std::int64_t> purge(const std::string& entity);
    // Rows not yet reported to the relay, oldest first.
    Expected<std::vector<FailedRow>> unreported(std::size_t limit);
    Status mark_reported(std::int64_t up_to_id);

private:
    sqlite::Database* db_;
};

}  // namespace cs::agent

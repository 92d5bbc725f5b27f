#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/base/expected.hpp"
#include "tests/tools/p21sim/table.hpp"

namespace cs::p21sim {

// Which rows a mutation touches: the rows with these keys, or `count` live rows
// picked deterministically (from the seed and the table's history).
struct Selection {
    std::vector<std::string> keys;
    std::uint64_t count = 0;
};

using Assignments = std::vector<std::pair<std::size_t, Value>>;  // column, new value

inline constexpr std::uint64_t kMaxRowsPerMutation = 1'000'000;
inline constexpr std::uint64_t kMaxIndex = 100'000'000;  // match lists hold 32-bit indexes

// The selected live rows' indexes; unknown or deleted keys are not_found errors.
Expected<std::vector<std::uint64_t>> select_rows(const Table& table, const Generator& generator,
                                                 const Selection& selection);

// Sets the assignments (or, without any, nudges the table's price/cost column up
// 1%), last_maintained_by = 'p21sim' and date_last_modified = now.
Expected<std::vector<std::uint64_t>> update_rows(Table& table, const Generator& generator,
                                                 const Selection& selection,
                                                 const Assignments& assignments,
                                                 std::int64_t now_ms);

// New rows after the last index, created and modified now, referencing existing
// parents like generated rows do.
Expected<std::vector<std::uint64_t>> insert_rows(Table& table, const Generator& generator,
                                                 std::uint64_t count, std::int64_t now_ms);

// Physical deletes: the rows disappear from every query.
Expected<std::vector<std::uint64_t>> delete_rows(Table& table, const Generator& generator,
                                                 const Selection& selection);

// delete_flag 'Y'/'N' (and row_status_flag 705/704 where the table has it).
Expected<std::vector<std::uint64_t>> set_delete_flag(Table& table, const Generator& generator,
                                                     const Selection& selection, bool deleted,
                                                     std::int64_t now_ms);

}  // namespace cs::p21sim

#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/base/expected.hpp"
#include "tests/tools/p21sim/schema.hpp"
#include "tests/tools/p21sim/value.hpp"

namespace cs::p21sim {

// Rows per table at start. Unset child tables scale with inv_mast.
struct RowCounts {
    std::array<std::uint64_t, kTableCount> rows{};

    std::uint64_t& operator[](TableId t) { return rows[static_cast<std::size_t>(t)]; }
    std::uint64_t operator[](TableId t) const { return rows[static_cast<std::size_t>(t)]; }
};

inline constexpr std::uint64_t kMaxRowsPerTable = 50'000'000;
inline constexpr std::uint64_t kUomSlotsPerItem = 4;
inline constexpr std::uint64_t kSuppliersPerItem = 4;
inline constexpr std::uint64_t kMaxProductGroups = 999'999;  // "PG999999" fills varchar(8)

// Parses "inv_mast=1000000,supplier=200" over the defaults (5000 items, 2 UOMs and
// 1.5 suppliers per item, 200 suppliers, 1000 customers, 50 product groups) and
// checks that the relationships can be generated.
Expected<RowCounts> parse_row_counts(std::string_view spec);
Status validate_row_counts(const RowCounts& counts);

// Deterministic rows: every cell is a pure function of (seed, table, row index,
// column), so nothing is materialised and the same seed always yields the same
// data. Keys map one-to-one onto indexes (key_of / index_of_key), and child rows
// reference existing inv_mast and supplier rows.
class Generator {
public:
    Generator(std::uint64_t seed, RowCounts counts, std::int64_t data_end_ms);

    std::uint64_t base_rows(TableId table) const { return counts_[table]; }
    std::uint64_t seed() const { return seed_; }

    // Writes one cell of row `index`. Indexes past base_rows() generate rows that
    // reference the base rows the same way, for inserts.
    void cell(TableId table, std::uint64_t index, std::size_t column, Value& out) const;

    void key_of(TableId table, std::uint64_t index, Value& out) const;
    // The row index a key value names, or nothing if the value cannot be a key.
    std::optional<std::uint64_t> index_of_key(TableId table, std::string_view key) const;

private:
    void inv_mast_cell(std::uint64_t index, std::size_t column, Value& out) const;
    void item_uom_cell(std::uint64_t index, std::size_t column, Value& out) const;
    void inventory_supplier_cell(std::uint64_t index, std::size_t column, Value& out) const;
    void supplier_cell(std::uint64_t index, std::size_t column, Value& out) const;
    void customer_cell(std::uint64_t index, std::size_t column, Value& out) const;
    void product_group_cell(std::uint64_t index, std::size_t column, Value& out) const;

    std::uint64_t hash(TableId table, std::uint64_t index, std::uint64_t salt) const;
    // date_created / date_last_modified of a row, spread over the three years
    // before data_end; `floor_ms` keeps children younger than their parent.
    std::int64_t created_ms(TableId table, std::uint64_t index, std::int64_t floor_ms) const;
    std::int64_t modified_ms(TableId table, std::uint64_t index, std::int64_t created) const;
    std::int64_t item_created_ms(std::uint64_t item) const;
    Decimal item_list_price(std::uint64_t item) const;
    std::string_view uom_for_slot(std::uint64_t item, std::uint64_t slot,
                                  std::int64_t* unit_size) const;
    std::uint64_t item_supplier(std::uint64_t item, std::uint64_t slot) const;

    std::uint64_t seed_;
    RowCounts counts_;
    std::int64_t data_end_ms_;
};

}  // namespace cs::p21sim

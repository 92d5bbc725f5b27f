#include "tests/tools/p21sim/generator.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "tests/tools/p21sim/generator_detail.hpp"

namespace cs::p21sim {

namespace {

constexpr std::int64_t kThreeYearsMs = 1096LL * 86'400'000;

// Integer keys: uid tables start at 1, suppliers and customers at their usual
// P21-like ranges. product_group uses "PG" + number.
std::int64_t key_offset(TableId table) {
    switch (table) {
        case TableId::supplier:
            return 100'001;
        case TableId::customer:
            return 10'001;
        default:
            return 1;
    }
}

Expected<std::uint64_t> parse_count(std::string_view text, std::string_view table) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return make_error(ErrorCode::invalid_argument, "--rows {}: '{}' is not a row count", table,
                          text);
    }
    return value;
}

}  // namespace

Expected<RowCounts> parse_row_counts(std::string_view spec) {
    RowCounts counts;
    counts[TableId::inv_mast] = 5000;
    counts[TableId::supplier] = 200;
    counts[TableId::customer] = 1000;
    counts[TableId::product_group] = 50;
    bool uom_set = false;
    bool inventory_supplier_set = false;
    while (!spec.empty()) {
        auto comma = spec.find(',');
        std::string_view item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
        if (item.empty()) {
            continue;
        }
        auto eq = item.find('=');
        if (eq == std::string_view::npos) {
            return make_error(ErrorCode::invalid_argument, "--rows: '{}' is not table=count", item);
        }
        auto table = table_by_name(item.substr(0, eq));
        if (!table) {
            return make_error(ErrorCode::invalid_argument, "--rows: unknown table '{}'",
                              item.substr(0, eq));
        }
        auto count = parse_count(item.substr(eq + 1), item.substr(0, eq));
        if (!count) {
            return count.error();
        }
        counts[*table] = *count;
        uom_set = uom_set || *table == TableId::item_uom;
        inventory_supplier_set = inventory_supplier_set || *table == TableId::inventory_supplier;
    }
    std::uint64_t items = counts[TableId::inv_mast];
    if (!uom_set) {
        counts[TableId::item_uom] = 2 * items;
    }
    if (!inventory_supplier_set) {
        std::uint64_t per_item = std::min<std::uint64_t>(counts[TableId::supplier], 2);
        counts[TableId::inventory_supplier] =
            per_item == 0 ? 0 : items + items * (per_item - 1) / 2;
    }
    if (auto status = validate_row_counts(counts); !status) {
        return status.error();
    }
    return counts;
}

Status validate_row_counts(const RowCounts& counts) {
    for (TableId table : kAllTables) {
        if (counts[table] > kMaxRowsPerTable) {
            return make_error(ErrorCode::invalid_argument,
                              "--rows {}={}: at most {} rows per table", table_name(table),
                              counts[table], kMaxRowsPerTable);
        }
    }
    std::uint64_t items = counts[TableId::inv_mast];
    std::uint64_t suppliers = counts[TableId::supplier];
    if (counts[TableId::item_uom] > kUomSlotsPerItem * items) {
        return make_error(ErrorCode::invalid_argument,
                          "--rows item_uom={}: at most {} units per item ({} with inv_mast={})",
                          counts[TableId::item_uom], kUomSlotsPerItem, kUomSlotsPerItem * items,
                          items);
    }
    std::uint64_t per_item = std::min(kSuppliersPerItem, suppliers);
    if (counts[TableId::inventory_supplier] > per_item * items) {
        return make_error(
            ErrorCode::invalid_argument,
            "--rows inventory_supplier={}: at most {} with inv_mast={} and supplier={}",
            counts[TableId::inventory_supplier], per_item * items, items, suppliers);
    }
    if (counts[TableId::product_group] > kMaxProductGroups) {
        return make_error(ErrorCode::invalid_argument, "--rows product_group={}: at most {}",
                          counts[TableId::product_group], kMaxProductGroups);
    }
    return ok();
}

Generator::Generator(std::uint64_t seed, RowCounts counts, std::int64_t data_end_ms)
    : seed_(seed), counts_(counts), data_end_ms_(data_end_ms) {}

std::uint64_t Generator::hash(TableId table, std::uint64_t index, std::uint64_t salt) const {
    std::uint64_t t = static_cast<std::uint64_t>(table) + 1;
    return detail::mix(detail::mix(seed_ ^ (t * 0x9E3779B97F4A7C15ULL)) ^
                       (index * 0xD1B54A32D192ED03ULL) ^ (salt * 0x8CB92BA72F3D8DD7ULL));
}

std::int64_t Generator::created_ms(TableId table, std::uint64_t index,
                                   std::int64_t floor_ms) const {
    std::int64_t lowest = std::max(floor_ms, data_end_ms_ - kThreeYearsMs);
    auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(data_end_ms_ - lowest, 1000));
    std::uint64_t h = hash(table, index, detail::kSaltCreated);
    std::int64_t seconds = (lowest + static_cast<std::int64_t>(h % span)) / 1000;
    return seconds * 1000 + detail::sql_datetime_ms(h >> 40);
}

std::int64_t Generator::modified_ms(TableId table, std::uint64_t index,
                                    std::int64_t created) const {
    std::uint64_t h = hash(table, index, detail::kSaltModified);
    if (h % 4 == 0 || created >= data_end_ms_) {
        return created;  // never modified since creation
    }
    auto span = static_cast<std::uint64_t>(data_end_ms_ - created);
    std::int64_t seconds = (created + static_cast<std::int64_t>((h >> 8) % span)) / 1000;
    return std::max(created, seconds * 1000 + detail::sql_datetime_ms(h >> 44));
}

std::int64_t Generator::item_created_ms(std::uint64_t item) const {
    return created_ms(TableId::inv_mast, item, data_end_ms_ - kThreeYearsMs);
}

void Generator::cell(TableId table, std::uint64_t index, std::size_t column, Value& out) const {
    switch (table) {
        case TableId::inv_mast:
            return inv_mast_cell(index, column, out);
        case TableId::item_uom:
            return item_uom_cell(index, column, out);
        case TableId::inventory_supplier:
            return inventory_supplier_cell(index, column, out);
        case TableId::supplier:
            return supplier_cell(index, column, out);
        case TableId::customer:
            return customer_cell(index, column, out);
        case TableId::product_group:
            return product_group_cell(index, column, out);
    }
    out.set_null();
}

void Generator::key_of(TableId table, std::uint64_t index, Value& out) const {
    if (table == TableId::product_group) {
        out.type = Type::string;
        out.text.clear();
        fmt::format_to(std::back_inserter(out.text), "PG{:05}", index + 1);
        return;
    }
    out.set_int(key_offset(table) + static_cast<std::int64_t>(index));
}

std::optional<std::uint64_t> Generator::index_of_key(TableId table, std::string_view key) const {
    std::string_view digits = key;
    if (table == TableId::product_group) {
        if (key.size() < 2 || key.substr(0, 2) != "PG") {
            return std::nullopt;
        }
        digits = key.substr(2);
    }
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
        return std::nullopt;
    }
    std::int64_t offset = key_offset(table);
    if (number < offset) {
        return std::nullopt;
    }
    auto index = static_cast<std::uint64_t>(number - offset);
    Value canonical;
    key_of(table, index, canonical);
    if (table == TableId::product_group && canonical.text != key) {
        return std::nullopt;  // "PG1" is not the spelling of key PG00001
    }
    return index;
}

}  // namespace cs::p21sim

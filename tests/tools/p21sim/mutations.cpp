#include "tests/tools/p21sim/mutations.hpp"

#include <random>
#include <unordered_set>

#include "tests/tools/p21sim/generator_detail.hpp"

namespace cs::p21sim {

namespace {

constexpr std::string_view kMaintainer = "p21sim";

Status check_count(std::uint64_t count) {
    if (count > kMaxRowsPerMutation) {
        return make_error(ErrorCode::limit_exceeded, "count {}: at most {} rows per call", count,
                          kMaxRowsPerMutation);
    }
    return ok();
}

// count distinct live rows: random probes while the table is dense enough,
// then a sweep from a random start so sparse tables still finish quickly.
std::vector<std::uint64_t> pick_rows(const Table& table, const Generator& generator,
                                     std::uint64_t count) {
    std::vector<std::uint64_t> picked;
    if (count >= table.live_count()) {
        for (std::uint64_t i = table.next_live(0); i < table.index_end();
             i = table.next_live(i + 1)) {
            picked.push_back(i);
        }
        return picked;
    }
    std::mt19937_64 random(detail::mix(generator.seed() ^ (table.version() * 0x9E37ULL) ^
                                       static_cast<std::uint64_t>(table.id())));
    std::unordered_set<std::uint64_t> seen;
    for (std::uint64_t probes = 0; picked.size() < count && probes < count * 8; ++probes) {
        std::uint64_t i = random() % table.index_end();
        if (table.live(i) && seen.insert(i).second) {
            picked.push_back(i);
        }
    }
    std::uint64_t i = random() % table.index_end();
    while (picked.size() < count) {
        if (table.live(i) && seen.insert(i).second) {
            picked.push_back(i);
        }
        i = (i + 1) % table.index_end();
    }
    return picked;
}

void stamp(Row& row, const TableSchema& schema, std::int64_t now_ms) {
    if (schema.date_last_modified) {
        row[*schema.date_last_modified].set_datetime(now_ms);
    }
    if (schema.last_maintained_by) {
        row[*schema.last_maintained_by].set_string(kMaintainer);
    }
}

// The column a default update changes: what a buyer edits most often.
std::optional<std::size_t> nudge_column(const TableSchema& schema) {
    for (const char* name : {"cost", "list_price", "credit_limit"}) {
        if (auto column = schema.find(name)) {
            return column;
        }
    }
    return std::nullopt;
}

void nudge(Value& value) {
    if (value.type != Type::decimal) {
        return;
    }
    auto scale = value.decimal.scale();
    auto units = value.decimal.units();
    auto raised = Decimal::from_units((units * 101 + 50) / 100, scale);
    if (raised) {
        value.decimal = *raised;
    }
}

}  // namespace

Expected<std::vector<std::uint64_t>> select_rows(const Table& table, const Generator& generator,
                                                 const Selection& selection) {
    if (selection.keys.empty()) {
        if (auto s = check_count(selection.count); !s) {
            return s.error();
        }
        return pick_rows(table, generator, selection.count);
    }
    if (auto s = check_count(selection.keys.size()); !s) {
        return s.error();
    }
    std::vector<std::uint64_t> rows;
    std::unordered_set<std::uint64_t> seen;
    for (const std::string& key : selection.keys) {
        auto index = generator.index_of_key(table.id(), key);
        if (!index || !table.live(*index)) {
            return make_error(ErrorCode::not_found, "{}: no row with key '{}'", table.schema().name,
                              key);
        }
        if (seen.insert(*index).second) {
            rows.push_back(*index);
        }
    }
    return rows;
}

Expected<std::vector<std::uint64_t>> update_rows(Table& table, const Generator& generator,
                                                 const Selection& selection,
                                                 const Assignments& assignments,
                                                 std::int64_t now_ms) {
    auto rows = select_rows(table, generator, selection);
    if (!rows) {
        return rows;
    }
    auto nudged = nudge_column(table.schema());
    for (std::uint64_t index : *rows) {
        Row row = table.materialize(index);
        for (const auto& [column, value] : assignments) {
            row[column] = value;
        }
        if (assignments.empty() && nudged) {
            nudge(row[*nudged]);
        }
        stamp(row, table.schema(), now_ms);
        table.put(index, std::move(row));
    }
    return rows;
}

Expected<std::vector<std::uint64_t>> insert_rows(Table& table, const Generator& generator,
                                                 std::uint64_t count, std::int64_t now_ms) {
    if (auto s = check_count(count); !s) {
        return s.error();
    }
    const TableSchema& schema = table.schema();
    TableId id = table.id();
    if ((id == TableId::item_uom || id == TableId::inventory_supplier) &&
        generator.base_rows(TableId::inv_mast) == 0) {
        return make_error(ErrorCode::conflict, "{}: rows need inv_mast rows to reference",
                          schema.name);
    }
    if (id == TableId::inventory_supplier && generator.base_rows(TableId::supplier) == 0) {
        return make_error(ErrorCode::conflict, "{}: rows need supplier rows to reference",
                          schema.name);
    }
    std::uint64_t limit = id == TableId::product_group ? kMaxProductGroups : kMaxIndex;
    if (table.index_end() + count > limit) {
        return make_error(ErrorCode::limit_exceeded, "{}: at most {} rows can ever exist",
                          schema.name, limit);
    }
    std::vector<std::uint64_t> rows;
    for (std::uint64_t n = 0; n < count; ++n) {
        Row row = table.materialize(table.index_end());
        if (schema.date_created) {
            row[*schema.date_created].set_datetime(now_ms);
        }
        if (schema.delete_flag) {
            row[*schema.delete_flag].set_string("N");
        }
        if (schema.row_status_flag) {
            row[*schema.row_status_flag].set_int(kRowStatusActive);
        }
        stamp(row, schema, now_ms);
        rows.push_back(table.append(std::move(row)));
    }
    return rows;
}

Expected<std::vector<std::uint64_t>> delete_rows(Table& table, const Generator& generator,
                                                 const Selection& selection) {
    auto rows = select_rows(table, generator, selection);
    if (!rows) {
        return rows;
    }
    for (std::uint64_t index : *rows) {
        table.erase(index);
    }
    return rows;
}

Expected<std::vector<std::uint64_t>> set_delete_flag(Table& table, const Generator& generator,
                                                     const Selection& selection, bool deleted,
                                                     std::int64_t now_ms) {
    const TableSchema& schema = table.schema();
    if (!schema.delete_flag) {
        return make_error(ErrorCode::invalid_argument, "{} has no delete_flag column", schema.name);
    }
    auto rows = select_rows(table, generator, selection);
    if (!rows) {
        return rows;
    }
    for (std::uint64_t index : *rows) {
        Row row = table.materialize(index);
        row[*schema.delete_flag].set_string(deleted ? "Y" : "N");
        if (schema.row_status_flag) {
            row[*schema.row_status_flag].set_int(deleted ? kRowStatusInactive : kRowStatusActive);
        }
        stamp(row, schema, now_ms);
        table.put(index, std::move(row));
    }
    return rows;
}

}  // namespace cs::p21sim

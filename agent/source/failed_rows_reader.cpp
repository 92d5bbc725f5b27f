#include "agent/source/failed_rows_reader.hpp"

#include <map>

#include <nlohmann/json.hpp>

namespace cs::agent {

FailedRowsReader::FailedRowsReader(std::vector<std::string> columns, std::vector<FailedRow> rows)
    : columns_(std::move(columns)), rows_(std::move(rows)) {}

Expected<bool> FailedRowsReader::read(RawBatch& batch, std::size_t max_rows) {
    batch.clear();
    batch.set_columns(columns_);
    for (std::size_t n = 0; n < max_rows && next_ < rows_.size(); ++n, ++next_) {
        const FailedRow& row = rows_[next_];
        auto cells = nlohmann::json::parse(row.cells, nullptr, false);
        batch.begin_row(row.location);
        for (const auto& column : columns_) {
            auto it = cells.find(column);
            if (it == cells.end() || !it->is_string()) {
                batch.add_cell(CellKind::empty, "");
            } else {
                batch.add_cell(CellKind::text, it->get_ref<const std::string&>());
            }
        }
        batch.end_row(row.raw);
    }
    return next_ < rows_.size();
}

std::vector<RetryGroup> group_for_retry(std::vector<FailedRow> rows,
                                        std::vector<FailedRow>& unreadable) {
    std::map<std::tuple<std::string, std::string, std::vector<std::string>>, RetryGroup> groups;
    for (auto& row : rows) {
        auto cells = nlohmann::json::parse(row.cells, nullptr, false);
        if (!cells.is_object() || cells.empty()) {
            unreadable.push_back(std::move(row));
            continue;
        }
        std::vector<std::string> columns;
        // nlohmann keeps object keys sorted; the column order does not matter to
        // the normalizer, which binds by name.
        for (auto it = cells.begin(); it != cells.end(); ++it) {
            columns.push_back(it.key());
        }
        auto key = std::make_tuple(row.entity, row.source, columns);
        auto& group = groups[key];
        group.entity = row.entity;
        group.source = row.source;
        group.columns = columns;
        group.rows.push_back(std::move(row));
    }
    std::vector<RetryGroup> out;
    for (auto& [key, group] : groups) {
        out.push_back(std::move(group));
    }
    return out;
}

}  // namespace cs::agent

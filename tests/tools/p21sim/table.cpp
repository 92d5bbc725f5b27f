#include "tests/tools/p21sim/table.hpp"

#include <algorithm>

namespace cs::p21sim {

Table::Table(TableId id, const Generator& generator) : id_(id), generator_(generator) {}

std::uint64_t Table::nth_live(std::uint64_t k) const {
    // Each deleted index at or below the candidate pushes it one further.
    std::uint64_t index = k;
    for (std::uint64_t gone : deleted_) {
        if (gone > index) {
            break;
        }
        ++index;
    }
    return index;
}

std::uint64_t Table::next_live(std::uint64_t index) const {
    auto it = deleted_.lower_bound(index);
    while (it != deleted_.end() && *it == index) {
        ++index;
        ++it;
    }
    return std::min(index, index_end());
}

Row Table::materialize(std::uint64_t index) const {
    if (const Row* row = overlay(index)) {
        return *row;
    }
    Row row(schema().columns.size());
    for (std::size_t c = 0; c < row.size(); ++c) {
        generator_.cell(id_, index, c, row[c]);
    }
    return row;
}

void Table::put(std::uint64_t index, Row row) {
    rows_[index] = std::move(row);
    ++updated_;
    ++version_;
}

std::uint64_t Table::append(Row row) {
    std::uint64_t index = index_end();
    rows_[index] = std::move(row);
    ++inserted_;
    ++version_;
    return index;
}

void Table::erase(std::uint64_t index) {
    rows_.erase(index);
    deleted_.insert(index);
    ++version_;
}

void Table::reset() {
    rows_.clear();
    deleted_.clear();
    inserted_ = 0;
    updated_ = 0;
    ++version_;
}

}  // namespace cs::p21sim

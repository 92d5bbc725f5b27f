#pragma once

#include <cstdint>
#include <set>
#include <unordered_map>
#include <vector>

#include "tests/tools/p21sim/generator.hpp"
#include "tests/tools/p21sim/schema.hpp"

namespace cs::p21sim {

using Row = std::vector<Value>;

// One table: generated rows plus a sparse overlay of mutations. Rows are
// addressed by index; index order is key order. Rows never materialise unless a
// mutation touched them.
class Table {
public:
    Table(TableId id, const Generator& generator);

    TableId id() const { return id_; }
    const TableSchema& schema() const { return schema_of(id_); }

    // One past the highest index ever used (base rows plus inserts).
    std::uint64_t index_end() const { return generator_.base_rows(id_) + inserted_; }
    std::uint64_t live_count() const { return index_end() - deleted_.size(); }
    // Changes on every mutation; cached query results compare it.
    std::uint64_t version() const { return version_; }

    bool live(std::uint64_t index) const {
        return index < index_end() && !deleted_.contains(index);
    }
    // The k-th live row in key order; requires k < live_count().
    std::uint64_t nth_live(std::uint64_t k) const;
    // The next live index at or after `index`, or index_end().
    std::uint64_t next_live(std::uint64_t index) const;

    // The materialised row of an updated or inserted index, or null for a
    // generated row. Look up once per row, then read cells with it.
    const Row* overlay(std::uint64_t index) const {
        if (rows_.empty()) {
            return nullptr;
        }
        auto it = rows_.find(index);
        return it == rows_.end() ? nullptr : &it->second;
    }
    void cell(std::uint64_t index, const Row* overlay, std::size_t column, Value& out) const {
        if (overlay != nullptr) {
            out = (*overlay)[column];
        } else {
            generator_.cell(id_, index, column, out);
        }
    }

    Row materialize(std::uint64_t index) const;
    // Replaces an existing row's values.
    void put(std::uint64_t index, Row row);
    // Adds a row at index_end(); returns its index.
    std::uint64_t append(Row row);
    // Physically removes a live row.
    void erase(std::uint64_t index);
    // Back to the generated rows.
    void reset();

    std::uint64_t inserted() const { return inserted_; }
    std::uint64_t deleted() const { return deleted_.size(); }
    std::uint64_t updated() const { return updated_; }

private:
    TableId id_;
    const Generator& generator_;
    std::unordered_map<std::uint64_t, Row> rows_;  // updated or inserted rows
    std::set<std::uint64_t> deleted_;              // ordered: nth_live walks it
    std::uint64_t inserted_ = 0;
    std::uint64_t updated_ = 0;
    std::uint64_t version_ = 0;
};

}  // namespace cs::p21sim

#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tests/tools/p21sim/table.hpp"

namespace cs::p21sim {

// How a generic entity set derives a property from its P21 column.
enum class Transform {
    none,
    yes_is_true,  // delete_flag 'Y' -> Discontinued true
    no_is_true,   // delete_flag 'N' -> Active true
};

struct ProjectedColumn {
    std::size_t source = 0;
    Transform transform = Transform::none;
};

// An entity set of the generic OData surface: a P21 table under other names,
// another key and boolean flags (see README.md, "Generic OData v4 surface").
struct EntitySet {
    std::string name;
    TableId table;
    TableSchema schema;  // the projected properties
    std::vector<ProjectedColumn> columns;
};

std::span<const EntitySet> generic_entity_sets();
const EntitySet* find_entity_set(std::string_view name);

// What a query runs over: a P21 table as it is, or projected as an entity set.
class Dataset {
public:
    explicit Dataset(const Table& table, const EntitySet* set = nullptr)
        : table_(table), set_(set) {}

    const Table& table() const { return table_; }
    const TableSchema& schema() const { return set_ != nullptr ? set_->schema : table_.schema(); }
    // Distinguishes cached results of the table and of its projections.
    std::string_view cache_name() const {
        return set_ != nullptr ? std::string_view(set_->name) : table_.schema().name;
    }

    // The table column a dataset column reads.
    std::size_t source_column(std::size_t column) const {
        return set_ != nullptr ? set_->columns[column].source : column;
    }

    void cell(std::uint64_t index, const Row* overlay, std::size_t column, Value& out) const {
        if (set_ == nullptr) {
            return table_.cell(index, overlay, column, out);
        }
        const ProjectedColumn& projected = set_->columns[column];
        table_.cell(index, overlay, projected.source, out);
        if (projected.transform != Transform::none && !out.is_null()) {
            bool yes = out.text == "Y";
            out.set_bool(projected.transform == Transform::yes_is_true ? yes : !yes);
        }
    }

private:
    const Table& table_;
    const EntitySet* set_;
};

}  // namespace cs::p21sim

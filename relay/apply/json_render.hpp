#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/value/value.hpp"
#include "common/wire/change_set.hpp"

namespace cs::relay::apply {

// Renders rows as the JSON objects stored in records.data: {field: value} with
// decimals as exact JSON numbers (jsonb keeps numeric scale: 12.50 stays 12.50),
// integers as numbers, booleans, dates and timestamps as ISO 8601 strings, null.
class JsonRenderer {
public:
    explicit JsonRenderer(std::span<const wire::Field> schema);

    // Appends one row's object to `out`; `values` follow the schema.
    void render(std::string& out, std::span<const Value> values) const;

private:
    std::vector<std::string> keys_;  // pre-escaped `"name":` for each field
};

}  // namespace cs::relay::apply

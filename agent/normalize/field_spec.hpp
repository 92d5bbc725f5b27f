#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/normalize/options.hpp"
#include "agent/normalize/transform.hpp"
#include "agent/normalize/value_map.hpp"
#include "common/base/expected.hpp"
#include "common/decimal/decimal.hpp"
#include "common/value/value.hpp"

namespace cs::config {
class Reader;
}

namespace cs::agent {

// Field names become JSON keys and SQL column names: 1-63 characters of
// [a-z0-9_], starting with a letter.
inline constexpr std::size_t kMaxFieldNameLength = 63;
bool is_valid_field_name(std::string_view name);

// One declared field of an entity, fully resolved: entity defaults merged with
// the field's overrides, date formats compiled, the time zone looked up, and
// every default, constant and map target already coerced to `type`.
struct FieldSpec {
    std::string name;
    std::string from;  // source column; equals `name` unless configured
    FieldType type = FieldType::string;
    bool required = false;
    std::optional<Value> constant;       // "value": the field ignores the source
    std::optional<Value> default_value;  // used when the value is null after the layers

    StringOptions strings;
    NumberOptions numbers;
    DateOptions dates;
    BooleanOptions booleans;

    // Decimal fields.
    bool percent = false;      // bare numbers are percentages: 5 -> 0.05
    std::optional<int> scale;  // round to this many decimal places
    Rounding rounding = Rounding::half_up;
    // String fields: longer values (in characters) are a row error.
    std::optional<std::size_t> max_length;

    std::vector<normalize::Transform> transforms;
    normalize::ValueMap map;
};

// Reads an entity's "normalize" object (all keys optional).
Expected<NormalizeDefaults> parse_normalize_defaults(const config::Reader& entity);

// Reads an entity's "normalize" and "fields". Every error names the file, line
// and key, e.g. "agent.json:31: entities[0].fields[2].default: 'x' is not a number".
Expected<std::vector<FieldSpec>> parse_fields(const config::Reader& entity);

}  // namespace cs::agent

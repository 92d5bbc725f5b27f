#pragma once

#include <string_view>

#include "agent/normalize/field_spec.hpp"
#include "common/base/expected.hpp"

namespace cs::config {
class Reader;
}

// Field keys whose values are checked against the field's type when the
// configuration loads, so that a bad one is a configuration error, not a
// failure on every row.
namespace cs::agent::normalize {

// "rounding": half_up (default), half_even or down.
Expected<Rounding> parse_rounding(const config::Reader& field);
// "default" or "value": text, true/false or a whole number, coerced to the
// field type the way a text cell would be.
Expected<Value> read_config_value(const config::Reader& field, std::string_view key,
                                  const FieldSpec& spec);
// "map", "map_case_insensitive", "map_strict": targets coerced to the field type.
Status parse_map(const config::Reader& field, FieldSpec& spec);

}  // namespace cs::agent::normalize

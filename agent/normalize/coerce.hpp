#pragma once

#include <string>
#include <string_view>

#include "agent/normalize/field_spec.hpp"
#include "agent/normalize/time_zone.hpp"
#include "common/rows/raw_batch.hpp"
#include "common/value/value.hpp"

namespace cs::agent::normalize {

// Layer 1, type coercion: turns one non-empty cell text (after the strings
// layer, transforms and maps) into `spec.type`, through the numbers, dates and
// booleans layers. On failure returns false and sets `why` (which allocates;
// success allocates nothing beyond a string value itself).
bool coerce(const FieldSpec& spec, CellKind kind, std::string_view text, ZoneConverter& zone,
            Value& out, std::string& why);

// Text written in the configuration (a default, a constant, a map target) read
// the way a text cell of the field would be: strings layer, then coercion.
// Empty text gives null.
Expected<Value> coerce_config_text(const FieldSpec& spec, std::string_view text);

}  // namespace cs::agent::normalize

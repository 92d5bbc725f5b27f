#include "agent/normalize/field_values.hpp"

#include "agent/normalize/coerce.hpp"
#include "common/config/reader.hpp"

namespace cs::agent::normalize {

using config::Reader;

Expected<Rounding> parse_rounding(const Reader& r) {
    auto name = r.string_or("rounding", "half_up");
    if (!name) {
        return name.error();
    }
    if (*name == "half_up") {
        return Rounding::half_up;
    }
    if (*name == "half_even") {
        return Rounding::half_even;
    }
    if (*name == "down") {
        return Rounding::down;
    }
    return r.error("rounding",
                   fmt::format("unknown rounding '{}' (half_up, half_even or down)", *name));
}

// A default or a constant: JSON text, a boolean or a whole number (never a JSON
// fraction, which would pass through binary floating point).
Expected<Value> read_config_value(const Reader& r, std::string_view key, const FieldSpec& spec) {
    const auto& node = r.json().at(key);
    std::string text;
    if (node.is_string()) {
        text = node.get<std::string>();
    } else if (node.is_boolean()) {
        text = node.get<bool>() ? "true" : "false";
    } else if (node.is_number_integer()) {
        text = node.dump();
    } else {
        return r.error(key,
                       "expected text (write decimals as text, e.g. \"0.05\", so they stay "
                       "exact), true/false or a whole number");
    }
    auto value = normalize::coerce_config_text(spec, text);
    if (!value) {
        return r.error(key, value.error().message);
    }
    if (value->is_null()) {
        return r.error(key, "is empty (omit it instead)");
    }
    return value;
}

Status parse_map(const Reader& r, FieldSpec& spec) {
    auto ci = r.boolean_or("map_case_insensitive", false);
    auto strict = r.boolean_or("map_strict", false);
    if (!ci) {
        return ci.error();
    }
    if (!strict) {
        return strict.error();
    }
    if (!r.has("map")) {
        if (r.has("map_case_insensitive") || r.has("map_strict")) {
            return r.error(r.has("map_strict") ? "map_strict" : "map_case_insensitive",
                           "needs a \"map\"");
        }
        return ok();
    }
    auto map = r.object("map");
    if (!map) {
        return map.error();
    }
    spec.map.set_case_insensitive(*ci);
    spec.map.set_strict(*strict);
    for (const auto& [key, target] : map->members()) {
        if (key.size() > normalize::ValueMap::max_key_bytes) {
            return target.error_here(
                fmt::format("keys are limited to {} bytes", normalize::ValueMap::max_key_bytes));
        }
        Value value;
        if (!target.json().is_null()) {
            if (!target.json().is_string()) {
                return target.error_here("expected the target text or null");
            }
            auto coerced = normalize::coerce_config_text(spec, target.json().get<std::string>());
            if (!coerced) {
                return target.error_here(coerced.error().message);
            }
            value = std::move(coerced).value();
        }
        if (!spec.map.add(key, std::move(value))) {
            return target.error_here(fmt::format(
                "'{}' is listed twice{}", key, *ci ? " (map_case_insensitive ignores case)" : ""));
        }
    }
    return ok();
}

}  // namespace cs::agent::normalize

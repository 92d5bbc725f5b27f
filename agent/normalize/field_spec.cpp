#include "agent/normalize/field_spec.hpp"

#include "agent/normalize/field_values.hpp"
#include "agent/normalize/options_config.hpp"
#include "common/config/reader.hpp"
#include "common/parse/date_formats.hpp"

namespace cs::agent {
namespace {

using config::Reader;

// Keys that only make sense for some field types; naming one on another type is
// a configuration mistake worth stopping for.
struct TypedKey {
    std::string_view key;
    bool (*applies)(FieldType);
    std::string_view types;
};

bool is_decimal(FieldType t) {
    return t == FieldType::decimal;
}
bool is_number(FieldType t) {
    return t == FieldType::decimal || t == FieldType::integer;
}
bool is_temporal(FieldType t) {
    return t == FieldType::date || t == FieldType::timestamp;
}
bool is_timestamp(FieldType t) {
    return t == FieldType::timestamp;
}
bool is_boolean(FieldType t) {
    return t == FieldType::boolean;
}
bool is_string(FieldType t) {
    return t == FieldType::string;
}

constexpr TypedKey kTypedKeys[] = {
    {"empty_as_null", is_string, "string"},
    {"max_length", is_string, "string"},
    {"decimal_comma", is_number, "decimal and integer"},
    {"currency_symbols", is_number, "decimal and integer"},
    {"parentheses_negative", is_number, "decimal and integer"},
    {"trailing_minus", is_number, "decimal and integer"},
    {"thousands_separators", is_number, "decimal and integer"},
    {"percent", is_decimal, "decimal"},
    {"scale", is_decimal, "decimal"},
    {"rounding", is_decimal, "decimal"},
    {"formats", is_temporal, "date and timestamp"},
    {"day_first", is_temporal, "date and timestamp"},
    {"excel_serial", is_temporal, "date and timestamp"},
    {"timezone", is_timestamp, "timestamp"},
    {"true", is_boolean, "boolean"},
    {"false", is_boolean, "boolean"},
};

// Keys meaningless for a constant field.
constexpr std::string_view kSourceKeys[] = {
    "from", "required", "default", "transforms", "map", "map_case_insensitive", "map_strict"};

Status parse_overrides(const Reader& r, const NormalizeDefaults& defaults, FieldSpec& spec) {
    for (const TypedKey& k : kTypedKeys) {
        if (r.has(k.key) && !k.applies(spec.type)) {
            return r.error(k.key, fmt::format("applies only to {} fields, and this field is {}",
                                              k.types, to_string(spec.type)));
        }
    }
    spec.strings = defaults.strings;
    spec.numbers = defaults.numbers;
    spec.dates = defaults.dates;
    spec.booleans = defaults.booleans;
    bool formats_given = false;
    Status s = normalize::read_string_options(r, spec.strings);
    if (s) {
        s = normalize::read_number_options(r, spec.numbers);
    }
    if (s) {
        s = normalize::read_date_options(r, spec.dates, formats_given);
    }
    if (s) {
        s = normalize::read_boolean_options(r, spec.booleans);
    }
    if (!s) {
        return s;
    }
    if (!is_temporal(spec.type)) {
        spec.dates.formats.clear();  // never consulted; saves the copies
    } else if (!formats_given && defaults.dates.formats.empty()) {
        spec.dates.formats = parse::builtin_date_formats(spec.dates.day_first);
    }
    auto percent = r.boolean_or("percent", false);
    if (!percent) {
        return percent.error();
    }
    spec.percent = *percent;
    if (r.has("scale")) {
        auto scale = r.integer("scale", 0, Decimal::max_scale);
        if (!scale) {
            return scale.error();
        }
        spec.scale = static_cast<int>(*scale);
    } else if (r.has("rounding")) {
        return r.error("rounding", "needs a \"scale\" to round to");
    }
    auto rounding = normalize::parse_rounding(r);
    if (!rounding) {
        return rounding.error();
    }
    spec.rounding = *rounding;
    if (r.has("max_length")) {
        auto length = r.integer("max_length", 1, 100'000'000);
        if (!length) {
            return length.error();
        }
        spec.max_length = static_cast<std::size_t>(*length);
    }
    return ok();
}

Expected<FieldSpec> parse_field(const Reader& r, const NormalizeDefaults& defaults) {
    if (auto s = r.allow_only({"name",
                               "from",
                               "value",
                               "type",
                               "required",
                               "default",
                               "transforms",
                               "map",
                               "map_case_insensitive",
                               "map_strict",
                               "percent",
                               "scale",
                               "rounding",
                               "max_length",
                               "trim",
                               "strip_control",
                               "unify_newlines",
                               "empty_as_null",
                               "collapse_spaces",
                               "decimal_comma",
                               "currency_symbols",
                               "parentheses_negative",
                               "trailing_minus",
                               "thousands_separators",
                               "formats",
                               "day_first",
                               "excel_serial",
                               "timezone",
                               "true",
                               "false"});
        !s) {
        return s.error();
    }
    FieldSpec spec;
    auto name = r.string("name");
    if (!name) {
        return name.error();
    }
    if (!is_valid_field_name(*name)) {
        return r.error("name", fmt::format("'{}' is not a valid field name (1-{} characters of "
                                           "a-z, 0-9 and _, starting with a letter)",
                                           *name, kMaxFieldNameLength));
    }
    spec.name = *name;
    auto type = r.string_or("type", "string");
    if (!type) {
        return type.error();
    }
    auto field_type = parse_field_type(*type);
    if (!field_type) {
        return r.error("type", field_type.error().message);
    }
    spec.type = *field_type;
    bool constant = r.has("value");
    if (constant) {
        for (std::string_view key : kSourceKeys) {
            if (r.has(key)) {
                return r.error(key, "a constant field (with \"value\") has no source to read");
            }
        }
    }
    auto from = r.string_or("from", spec.name);
    auto required = r.boolean_or("required", false);
    if (!from) {
        return from.error();
    }
    if (!required) {
        return required.error();
    }
    if (from->empty()) {
        return r.error("from", "must name a source column");
    }
    spec.from = *from;
    spec.required = *required;
    if (auto s = parse_overrides(r, defaults, spec); !s) {
        return s.error();
    }
    if (r.has("transforms")) {
        if (!r.json().at("transforms").is_array()) {
            return r.error("transforms", "expected a list");
        }
        for (std::size_t i = 0; i < r.json().at("transforms").size(); ++i) {
            auto transform = normalize::parse_transform(r, i);
            if (!transform) {
                return transform.error();
            }
            spec.transforms.push_back(std::move(transform).value());
        }
    }
    if (auto s = normalize::parse_map(r, spec); !s) {
        return s.error();
    }
    for (auto [key, slot] :
         {std::pair<std::string_view, std::optional<Value>*>{"default", &spec.default_value},
          {"value", &spec.constant}}) {
        if (r.has(key)) {
            auto value = normalize::read_config_value(r, key, spec);
            if (!value) {
                return value.error();
            }
            *slot = std::move(value).value();
        }
    }
    return spec;
}

}  // namespace

bool is_valid_field_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxFieldNameLength || name[0] < 'a' || name[0] > 'z') {
        return false;
    }
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

Expected<std::vector<FieldSpec>> parse_fields(const Reader& entity) {
    auto defaults = parse_normalize_defaults(entity);
    if (!defaults) {
        return defaults.error();
    }
    auto readers = entity.objects("fields");
    if (!readers) {
        return readers.error();
    }
    if (readers->empty()) {
        return entity.error("fields", "must list at least one field");
    }
    std::vector<FieldSpec> fields;
    fields.reserve(readers->size());
    for (const Reader& r : *readers) {
        auto spec = parse_field(r, *defaults);
        if (!spec) {
            return spec.error();
        }
        for (std::size_t j = 0; j < fields.size(); ++j) {
            if (fields[j].name == spec->name) {
                return r.error("name", fmt::format("duplicate field name '{}' (also fields[{}])",
                                                   spec->name, j));
            }
        }
        fields.push_back(std::move(spec).value());
    }
    return fields;
}

}  // namespace cs::agent

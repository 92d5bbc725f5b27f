#include "agent/normalize/coerce.hpp"

#include <array>
#include <limits>

#include <fmt/format.h>

#include "agent/normalize/date_parse.hpp"
#include "agent/normalize/options_config.hpp"
#include "agent/normalize/text_clean.hpp"
#include "agent/normalize/unicode.hpp"
#include "common/parse/number_parse.hpp"

namespace cs::agent::normalize {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

bool refuse_kind(CellKind kind, std::string_view text, std::string_view type, std::string& why) {
    std::string_view name = kind == CellKind::boolean ? "boolean"
                            : kind == CellKind::date  ? "date"
                                                      : "date-time";
    why = fmt::format("'{}' is a {} cell, not {}", text, name, type);
    return false;
}

bool read_number(const FieldSpec& spec, CellKind kind, std::string_view text,
                 parse::ParsedNumber& number, std::string& why) {
    if (kind == CellKind::boolean || kind == CellKind::date || kind == CellKind::datetime) {
        return refuse_kind(kind, text, "a number", why);
    }
    // Number cells hold exact digits already; the text options (decimal comma,
    // separators) must not reinterpret them.
    const NumberOptions& syntax =
        kind == CellKind::number ? parse::plain_number_syntax() : spec.numbers;
    parse::NumberError error;
    if (!parse::parse_number(text, syntax, number, error)) {
        why = parse::describe(text, error);
        return false;
    }
    return true;
}

bool coerce_decimal(const FieldSpec& spec, CellKind kind, std::string_view text, Value& out,
                    std::string& why) {
    parse::ParsedNumber number;
    if (!read_number(spec, kind, text, number, why)) {
        return false;
    }
    if (number.percent_sign || spec.percent) {
        number.scale += 2;  // divide by 100, exactly
        if (!parse::fit_scale(number)) {
            why = fmt::format("'{}' has more than 38 decimal places as a fraction", text);
            return false;
        }
    }
    auto decimal = Decimal::from_units(number.units, number.scale);
    if (decimal && spec.scale) {
        decimal = decimal->rescale(*spec.scale, spec.rounding);
    }
    if (!decimal) {
        why = fmt::format("'{}': {}", text, decimal.error().message);
        return false;
    }
    out = Value(*decimal);
    return true;
}

bool coerce_integer(const FieldSpec& spec, CellKind kind, std::string_view text, Value& out,
                    std::string& why) {
    parse::ParsedNumber number;
    if (!read_number(spec, kind, text, number, why)) {
        return false;
    }
    if (number.percent_sign) {
        why = fmt::format("'{}' is a percentage; declare the field as a decimal", text);
        return false;
    }
    int128 units = number.units;
    for (int i = 0; i < number.scale; ++i) {
        if (units % 10 != 0) {
            why = fmt::format("'{}' is not a whole number", text);
            return false;
        }
        units /= 10;
    }
    if (units > std::numeric_limits<std::int64_t>::max() ||
        units < std::numeric_limits<std::int64_t>::min()) {
        why = fmt::format("'{}' is out of range for an integer (64-bit)", text);
        return false;
    }
    out = Value(static_cast<std::int64_t>(units));
    return true;
}

bool coerce_boolean(const FieldSpec& spec, CellKind kind, std::string_view text, Value& out,
                    std::string& why) {
    if (kind == CellKind::boolean) {
        out = Value(text == "true");
        return true;
    }
    if (kind == CellKind::date || kind == CellKind::datetime) {
        return refuse_kind(kind, text, "a boolean", why);
    }
    if (text.size() <= kMaxBooleanWord) {
        std::array<char, kMaxBooleanWord> buffer;
        lower_into(text, buffer.data());
        std::string_view word(buffer.data(), text.size());
        for (const std::string& t : spec.booleans.true_words) {
            if (t == word) {
                out = Value(true);
                return true;
            }
        }
        for (const std::string& f : spec.booleans.false_words) {
            if (f == word) {
                out = Value(false);
                return true;
            }
        }
    }
    auto list = [](const std::vector<std::string>& words) {
        std::string s;
        for (const std::string& w : words) {
            s += s.empty() ? "" : ", ";
            s += w.empty() ? "(empty)" : w;
        }
        return s;
    };
    why = fmt::format("'{}' is not a boolean (true: {}; false: {})", text,
                      list(spec.booleans.true_words), list(spec.booleans.false_words));
    return false;
}

bool coerce_date_time(const FieldSpec& spec, CellKind kind, std::string_view text,
                      ZoneConverter& zone, Value& out, std::string& why) {
    parse::DateTimeParts parts;
    if (!read_date_time(spec.dates, kind, text, parts, why)) {
        return false;
    }
    if (spec.type == FieldType::date) {
        // A date keeps the calendar day as written; a time or offset next to it
        // does not move it.
        out = Value(Date{parts.days});
        return true;
    }
    std::int64_t local =
        static_cast<std::int64_t>(parts.days) * 86'400 + parts.micros_of_day / kMicrosPerSecond;
    std::int64_t utc = parts.has_offset ? local - parts.offset_seconds : zone.to_utc(local);
    out = Value(Timestamp{utc * kMicrosPerSecond + parts.micros_of_day % kMicrosPerSecond});
    return true;
}

}  // namespace

bool coerce(const FieldSpec& spec, CellKind kind, std::string_view text, ZoneConverter& zone,
            Value& out, std::string& why) {
    switch (spec.type) {
        case FieldType::string:
            out = Value(std::string(text));
            return true;
        case FieldType::decimal:
            return coerce_decimal(spec, kind, text, out, why);
        case FieldType::integer:
            return coerce_integer(spec, kind, text, out, why);
        case FieldType::boolean:
            return coerce_boolean(spec, kind, text, out, why);
        case FieldType::date:
        case FieldType::timestamp:
            return coerce_date_time(spec, kind, text, zone, out, why);
    }
    why = "unknown field type";
    return false;
}

Expected<Value> coerce_config_text(const FieldSpec& spec, std::string_view text) {
    StringOptions options = spec.strings;
    options.trim = options.trim || spec.type != FieldType::string;
    std::string scratch;
    std::string_view clean = clean_text(text, options, scratch);
    if (clean.empty() && (spec.type != FieldType::string || spec.strings.empty_as_null)) {
        return Value::null();
    }
    ZoneConverter zone(spec.dates.zone);
    Value out;
    std::string why;
    if (!coerce(spec, CellKind::text, clean, zone, out, why)) {
        return make_error(ErrorCode::invalid_argument, "{}", why);
    }
    if (spec.max_length && count_code_points(clean) > *spec.max_length) {
        return make_error(ErrorCode::invalid_argument, "'{}' is longer than max_length {}", clean,
                          *spec.max_length);
    }
    return out;
}

}  // namespace cs::agent::normalize

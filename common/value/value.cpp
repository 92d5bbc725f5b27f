#include "common/value/value.hpp"

#include "common/calendar/civil.hpp"
#include "common/calendar/iso.hpp"

namespace cs {
namespace {

using calendar::kMicrosPerDay;
using calendar::kMicrosPerSecond;
using calendar::read_char;
using calendar::read_digits;

}  // namespace

std::string_view to_string(FieldType type) {
    switch (type) {
        case FieldType::string:
            return "string";
        case FieldType::decimal:
            return "decimal";
        case FieldType::integer:
            return "integer";
        case FieldType::boolean:
            return "boolean";
        case FieldType::date:
            return "date";
        case FieldType::timestamp:
            return "timestamp";
    }
    return "unknown";
}

Expected<FieldType> parse_field_type(std::string_view name) {
    for (auto type : {FieldType::string, FieldType::decimal, FieldType::integer, FieldType::boolean,
                      FieldType::date, FieldType::timestamp}) {
        if (name == to_string(type)) {
            return type;
        }
    }
    return make_error(ErrorCode::invalid_argument,
                      "unknown field type '{}' (expected string, decimal, integer, boolean, date "
                      "or timestamp)",
                      name);
}

Expected<Date> Date::from_ymd(int year, unsigned month, unsigned day) {
    if (year < 1 || year > 9999 || !calendar::is_valid_ymd(year, month, day)) {
        return make_error(ErrorCode::parse_error, "{:04}-{:02}-{:02} is not a valid date", year,
                          month, day);
    }
    return Date{static_cast<std::int32_t>(calendar::days_from_civil(year, month, day))};
}

Expected<Date> Date::parse_iso(std::string_view text) {
    std::size_t pos = 0;
    int y = 0;
    int m = 0;
    int d = 0;
    if (!read_digits(text, pos, 4, y) || !read_char(text, pos, '-') ||
        !read_digits(text, pos, 2, m) || !read_char(text, pos, '-') ||
        !read_digits(text, pos, 2, d) || pos != text.size()) {
        return make_error(ErrorCode::parse_error, "'{}' is not an ISO date (YYYY-MM-DD)", text);
    }
    return from_ymd(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string Date::to_iso() const {
    std::string out(calendar::kIsoDateSize, '0');
    calendar::write_iso_date(out.data(), days);
    return out;
}

Expected<Timestamp> Timestamp::parse_iso(std::string_view text) {
    auto fail = [&]() {
        return make_error(ErrorCode::parse_error,
                          "'{}' is not an ISO timestamp (YYYY-MM-DDTHH:MM:SS[.ffffff]Z)", text);
    };
    if (text.size() < 20) {
        return fail();
    }
    auto date = Date::parse_iso(text.substr(0, 10));
    if (!date) {
        return fail();
    }
    std::size_t pos = 10;
    int hh = 0;
    int mm = 0;
    int ss = 0;
    if (!(read_char(text, pos, 'T') || read_char(text, pos, ' ')) ||
        !read_digits(text, pos, 2, hh) || !read_char(text, pos, ':') ||
        !read_digits(text, pos, 2, mm) || !read_char(text, pos, ':') ||
        !read_digits(text, pos, 2, ss) || hh > 23 || mm > 59 || ss > 59) {
        return fail();
    }
    std::int64_t fraction = 0;
    if (read_char(text, pos, '.')) {
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 6) {
                fraction = fraction * 10 + (text[pos] - '0');
            }
            ++digits;
            ++pos;
        }
        if (digits == 0 || digits > 9) {
            return fail();
        }
        for (int i = digits; i < 6; ++i) {
            fraction *= 10;
        }
    }
    std::int64_t offset_seconds = 0;
    if (read_char(text, pos, 'Z')) {
        // UTC
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0;
        int om = 0;
        if (!read_digits(text, pos, 2, oh) || !read_char(text, pos, ':') ||
            !read_digits(text, pos, 2, om) || oh > 23 || om > 59) {
            return fail();
        }
        offset_seconds = sign * (oh * 3600 + om * 60);
    } else {
        return fail();
    }
    if (pos != text.size()) {
        return fail();
    }
    std::int64_t seconds = static_cast<std::int64_t>(hh) * 3600 + mm * 60 + ss - offset_seconds;
    return Timestamp{date->days * kMicrosPerDay + seconds * kMicrosPerSecond + fraction};
}

std::string Timestamp::to_iso() const {
    char buffer[calendar::kIsoTimestampMaxSize];
    return std::string(buffer, calendar::write_iso_timestamp(buffer, micros));
}

std::optional<FieldType> Value::type() const {
    switch (data_.index()) {
        case 1:
            return FieldType::string;
        case 2:
            return FieldType::decimal;
        case 3:
            return FieldType::integer;
        case 4:
            return FieldType::boolean;
        case 5:
            return FieldType::date;
        case 6:
            return FieldType::timestamp;
        default:
            return std::nullopt;
    }
}

std::string Value::to_text() const {
    struct Visitor {
        std::string operator()(std::monostate) const { return "null"; }
        std::string operator()(const std::string& v) const { return v; }
        std::string operator()(const Decimal& v) const { return v.to_string(); }
        std::string operator()(std::int64_t v) const { return std::to_string(v); }
        std::string operator()(bool v) const { return v ? "true" : "false"; }
        std::string operator()(Date v) const { return v.to_iso(); }
        std::string operator()(Timestamp v) const { return v.to_iso(); }
    };
    return std::visit(Visitor{}, data_);
}

}  // namespace cs

#include "common/value/value.hpp"

#include <chrono>

namespace cs {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
    if (pos + count > text.size()) {
        return false;
    }
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    pos += count;
    out = value;
    return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

void write_digits(int value, int width, char* out) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// "YYYY-MM-DD" into out[0..10), from days since the epoch (civil_from_days,
// H. Hinnant's algorithm; exact for the proleptic Gregorian calendar).
void write_iso_date(std::int32_t days, char* out) {
    std::int64_t z = static_cast<std::int64_t>(days) + 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    auto doe = static_cast<unsigned>(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2 ? 1 : 0;
    write_digits(static_cast<int>(y), 4, out);
    out[4] = '-';
    write_digits(static_cast<int>(m), 2, out + 5);
    out[7] = '-';
    write_digits(static_cast<int>(d), 2, out + 8);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

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
    std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                    std::chrono::day{day}};
    if (year < 1 || year > 9999 || !ymd.ok()) {
        return make_error(ErrorCode::parse_error, "{:04}-{:02}-{:02} is not a valid date", year,
                          month, day);
    }
    return Date{static_cast<std::int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count())};
}

Expected<Date> Date::parse_iso(std::string_view text) {
    std::size_t pos = 0;
    int y = 0;
    int m = 0;
    int d = 0;
    if (!read_digits(text, pos, 4, y) || !expect(text, pos, '-') || !read_digits(text, pos, 2, m) ||
        !expect(text, pos, '-') || !read_digits(text, pos, 2, d) || pos != text.size()) {
        return make_error(ErrorCode::parse_error, "'{}' is not an ISO date (YYYY-MM-DD)", text);
    }
    return from_ymd(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string Date::to_iso() const {
    std::string out(10, '0');
    write_iso_date(days, out.data());
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
    if (!(expect(text, pos, 'T') || expect(text, pos, ' ')) || !read_digits(text, pos, 2, hh) ||
        !expect(text, pos, ':') || !read_digits(text, pos, 2, mm) || !expect(text, pos, ':') ||
        !read_digits(text, pos, 2, ss) || hh > 23 || mm > 59 || ss > 59) {
        return fail();
    }
    std::int64_t fraction = 0;
    if (expect(text, pos, '.')) {
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
    if (expect(text, pos, 'Z')) {
        // UTC
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0;
        int om = 0;
        if (!read_digits(text, pos, 2, oh) || !expect(text, pos, ':') ||
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
    // Hand-rolled digits: this runs once per row for rowversions, where fmt's
    // general machinery costs more than everything else in the identity stage.
    std::int64_t days = floor_div(micros, kMicrosPerDay);
    std::int64_t in_day = micros - days * kMicrosPerDay;
    auto seconds = static_cast<int>(in_day / kMicrosPerSecond);
    auto fraction = static_cast<int>(in_day % kMicrosPerSecond);
    char buffer[32];
    write_iso_date(static_cast<std::int32_t>(days), buffer);
    buffer[10] = 'T';
    write_digits(seconds / 3600, 2, buffer + 11);
    buffer[13] = ':';
    write_digits((seconds / 60) % 60, 2, buffer + 14);
    buffer[16] = ':';
    write_digits(seconds % 60, 2, buffer + 17);
    std::size_t size = 19;
    if (fraction != 0) {
        buffer[19] = '.';
        write_digits(fraction, 6, buffer + 20);
        size = 26;
    }
    buffer[size++] = 'Z';
    return std::string(buffer, size);
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

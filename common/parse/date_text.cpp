#include "common/parse/date_text.hpp"

#include <array>

#include "common/calendar/civil.hpp"

namespace cs::parse {
namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_ignore_case(std::string_view text, std::string_view lower_word) {
    if (text.size() < lower_word.size()) {
        return false;
    }
    for (std::size_t i = 0; i < lower_word.size(); ++i) {
        if (ascii_lower(text[i]) != lower_word[i]) {
            return false;
        }
    }
    return true;
}

// Full English month names, then three-letter abbreviations (and "Sept"),
// case-insensitive; an abbreviation may end with '.'.
bool read_month_name(std::string_view text, std::size_t& pos, int& month) {
    std::string_view rest = text.substr(pos);
    for (std::size_t m = 0; m < kMonthNames.size(); ++m) {
        if (starts_with_ignore_case(rest, kMonthNames[m])) {
            pos += kMonthNames[m].size();
            month = static_cast<int>(m) + 1;
            return true;
        }
    }
    for (std::size_t m = 0; m < kMonthNames.size(); ++m) {
        std::size_t len = m == 8 && starts_with_ignore_case(rest, "sept") ? 4 : 3;
        if (starts_with_ignore_case(rest, kMonthNames[m].substr(0, len))) {
            pos += len;
            if (pos < text.size() && text[pos] == '.') {
                ++pos;
            }
            month = static_cast<int>(m) + 1;
            return true;
        }
    }
    return false;
}

// Z, +HH:MM, +HHMM or +HH.
bool read_offset(std::string_view text, std::size_t& pos, std::int32_t& seconds) {
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
        seconds = 0;
        return true;
    }
    if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
        return false;
    }
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int hours = 0;
    int minutes = 0;
    if (!read_number(text, pos, 2, 2, hours) || hours > 23) {
        return false;
    }
    bool colon = pos < text.size() && text[pos] == ':';
    if (colon) {
        ++pos;
    }
    if (colon || (pos < text.size() && is_digit(text[pos]))) {
        if (!read_number(text, pos, 2, 2, minutes) || minutes > 59) {
            return false;
        }
    }
    seconds = sign * (hours * 3600 + minutes * 60);
    return true;
}

// Reads 1-9 fraction digits, keeping microseconds (further digits are dropped).
std::int64_t fraction_micros(std::string_view digits) {
    std::int64_t micros = 0;
    for (std::size_t i = 0; i < 6; ++i) {
        micros = micros * 10 + (i < digits.size() ? digits[i] - '0' : 0);
    }
    return micros;
}

bool make_parts(int year, int month, int day, int hour, int minute, int second, std::int64_t micros,
                bool has_time, DateTimeParts& out) {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 ||
        second > 59) {
        return false;
    }
    if (!calendar::is_valid_ymd(year, static_cast<unsigned>(month), static_cast<unsigned>(day))) {
        return false;
    }
    out.days = static_cast<std::int32_t>(
        calendar::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
    out.micros_of_day =
        (static_cast<std::int64_t>(hour) * 3600 + minute * 60 + second) * 1'000'000 + micros;
    out.has_time = has_time;
    return true;
}

bool parse_iso8601(std::string_view text, DateTimeParts& out) {
    std::size_t pos = 0;
    int year = 0;
    int month = 0;
    int day = 0;
    if (!read_number(text, pos, 4, 4, year) || pos >= text.size() || text[pos++] != '-' ||
        !read_number(text, pos, 2, 2, month) || pos >= text.size() || text[pos++] != '-' ||
        !read_number(text, pos, 2, 2, day)) {
        return false;
    }
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::int64_t micros = 0;
    bool has_time = pos < text.size();
    out.has_offset = false;
    out.offset_seconds = 0;
    if (has_time) {
        char sep = text[pos++];
        if ((sep != 'T' && sep != 't' && sep != ' ') || !read_number(text, pos, 2, 2, hour) ||
            pos >= text.size() || text[pos++] != ':' || !read_number(text, pos, 2, 2, minute)) {
            return false;
        }
        if (pos < text.size() && text[pos] == ':') {
            ++pos;
            if (!read_number(text, pos, 2, 2, second)) {
                return false;
            }
            if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
                std::size_t start = ++pos;
                while (pos < text.size() && is_digit(text[pos])) {
                    ++pos;
                }
                if (pos == start || pos - start > 9) {
                    return false;
                }
                micros = fraction_micros(text.substr(start, pos - start));
            }
        }
        if (pos < text.size()) {
            if (!read_offset(text, pos, out.offset_seconds)) {
                return false;
            }
            out.has_offset = true;
        }
    }
    return pos == text.size() &&
           make_parts(year, month, day, hour, minute, second, micros, has_time, out);
}

}  // namespace cs::parse

#include "common/parse/date_format.hpp"

#include <array>

namespace cs::parse {

Expected<DateFormat> DateFormat::compile(std::string_view pattern) {
    DateFormat format;
    format.pattern_ = std::string(pattern);
    if (pattern == "ISO8601") {
        format.iso_ = true;
        return format;
    }
    auto fail = [&](std::string_view why) {
        return make_error(ErrorCode::invalid_argument, "date format '{}': {}", pattern, why);
    };
    std::array<int, 16> seen{};
    auto add = [&](Kind kind, int min, int max) {
        ++seen[static_cast<std::size_t>(kind)];
        format.elements_.push_back(
            Element{kind, static_cast<std::uint8_t>(min), static_cast<std::uint8_t>(max), 0});
    };
    std::size_t i = 0;
    while (i < pattern.size()) {
        char c = pattern[i];
        if (c == '\'') {
            std::size_t close = pattern.find('\'', i + 1);
            if (close == std::string_view::npos) {
                return fail("unterminated quote");
            }
            for (std::size_t k = i + 1; k < close; ++k) {
                format.elements_.push_back(Element{Kind::literal, 0, 0, ascii_lower(pattern[k])});
            }
            i = close + 1;
            continue;
        }
        if (c == ' ') {
            while (i < pattern.size() && pattern[i] == ' ') {
                ++i;
            }
            format.elements_.push_back(Element{Kind::space, 1, 0, ' '});
            continue;
        }
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!letter || c == 'T') {
            format.elements_.push_back(Element{Kind::literal, 0, 0, ascii_lower(c)});
            ++i;
            continue;
        }
        std::size_t run = 1;
        while (i + run < pattern.size() && pattern[i + run] == c) {
            ++run;
        }
        int n = static_cast<int>(run);
        i += run;
        switch (c) {
            case 'Y':
                if (n != 4 && n != 2) {
                    return fail("use YYYY or YY for the year");
                }
                add(n == 4 ? Kind::year4 : Kind::year2, n, n);
                break;
            case 'M':
                if (n > 4) {
                    return fail("use M, MM, MMM or MMMM for the month");
                }
                add(n >= 3 ? Kind::month_name : Kind::month, n, 2);
                break;
            case 'D':
            case 'H':
            case 'h':
            case 'm':
            case 's':
                if (n > 2) {
                    return fail(fmt::format("'{}' takes one or two letters", c));
                }
                add(c == 'D'   ? Kind::day
                    : c == 'H' ? Kind::hour24
                    : c == 'h' ? Kind::hour12
                    : c == 'm' ? Kind::minute
                               : Kind::second,
                    n, 2);
                break;
            case 'f':
                if (n > 9) {
                    return fail("at most 9 fraction digits (f)");
                }
                add(Kind::fraction, n, n);
                break;
            case 'A':
            case 'Z':
                if (n != 1) {
                    return fail(fmt::format("'{}' takes one letter", c));
                }
                add(c == 'A' ? Kind::ampm : Kind::offset, 1, 1);
                break;
            default:
                return fail(fmt::format(
                    "unknown letter '{}' (put literal text in single quotes: 'of')", c));
        }
    }
    auto count = [&](Kind kind) { return seen[static_cast<std::size_t>(kind)]; };
    for (int k = 0; k < 16; ++k) {
        if (seen[static_cast<std::size_t>(k)] > 1) {
            return fail("a part appears twice");
        }
    }
    if (count(Kind::year4) + count(Kind::year2) != 1 ||
        count(Kind::month) + count(Kind::month_name) != 1 || count(Kind::day) != 1) {
        return fail("needs a year (YYYY or YY), a month (M, MM, MMM or MMMM) and a day (D or DD)");
    }
    int hours = count(Kind::hour24) + count(Kind::hour12);
    if (hours > 1 || (count(Kind::hour12) != count(Kind::ampm))) {
        return fail("12-hour hours (h, hh) go with A (AM/PM) and 24-hour hours (H, HH) without");
    }
    if ((count(Kind::minute) > 0 && hours == 0) ||
        (count(Kind::second) > 0 && count(Kind::minute) == 0) ||
        (count(Kind::fraction) > 0 && count(Kind::second) == 0) ||
        (count(Kind::offset) > 0 && hours == 0)) {
        return fail("minutes need hours, seconds need minutes, f needs seconds, Z needs a time");
    }
    // A one-letter number reads one or two digits, so a number right after it
    // would be ambiguous. A two-letter number reads exactly two digits next to
    // another number (YYYYMMDD, HHmm) and one or two otherwise (MM/DD/YYYY
    // also reads 1/5/2026).
    auto is_number = [](Kind k) {
        return k == Kind::year4 || k == Kind::year2 || k == Kind::month || k == Kind::day ||
               k == Kind::hour24 || k == Kind::hour12 || k == Kind::minute || k == Kind::second ||
               k == Kind::fraction;
    };
    auto& elements = format.elements_;
    for (std::size_t k = 0; k < elements.size(); ++k) {
        Element& e = elements[k];
        bool prev_number = k > 0 && is_number(elements[k - 1].kind);
        bool next_number = k + 1 < elements.size() && is_number(elements[k + 1].kind);
        if (e.kind == Kind::space && k + 1 < elements.size() &&
            elements[k + 1].kind == Kind::ampm) {
            e.min_digits = 0;  // "3:04PM" as well as "3:04 PM"
        }
        bool variable = is_number(e.kind) && e.kind != Kind::year4 && e.kind != Kind::year2 &&
                        e.kind != Kind::fraction;
        if (variable && e.min_digits == 1 && next_number) {
            return fail("a one-letter number cannot be followed directly by another number");
        }
        if (variable && e.min_digits == 2 && !prev_number && !next_number) {
            e.min_digits = 1;
        }
    }
    return format;
}

}  // namespace cs::parse

#include "common/parse/date_format.hpp"

// Matching text against a compiled DateFormat (compiled in date_format.cpp).
namespace cs::parse {

bool DateFormat::match(std::string_view text, DateTimeParts& out) const {
    if (iso_) {
        return parse_iso8601(text, out);
    }
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::int64_t micros = 0;
    int pm = -1;
    bool has_time = false;
    out.has_offset = false;
    out.offset_seconds = 0;
    std::size_t pos = 0;
    for (const Element& e : elements_) {
        int value = 0;
        switch (e.kind) {
            case Kind::literal:
                if (pos >= text.size() || ascii_lower(text[pos]) != e.literal) {
                    return false;
                }
                ++pos;
                break;
            case Kind::space: {
                std::size_t start = pos;
                while (pos < text.size() && text[pos] == ' ') {
                    ++pos;
                }
                if (pos - start < e.min_digits) {
                    return false;
                }
                break;
            }
            case Kind::month_name:
                if (!read_month_name(text, pos, month)) {
                    return false;
                }
                break;
            case Kind::ampm:
                if (starts_with_ignore_case(text.substr(pos), "am")) {
                    pm = 0;
                } else if (starts_with_ignore_case(text.substr(pos), "pm")) {
                    pm = 1;
                } else {
                    return false;
                }
                pos += 2;
                break;
            case Kind::offset:
                if (!read_offset(text, pos, out.offset_seconds)) {
                    return false;
                }
                out.has_offset = true;
                break;
            case Kind::fraction: {
                std::size_t start = pos;
                if (!read_number(text, pos, e.min_digits, e.max_digits, value)) {
                    return false;
                }
                micros = fraction_micros(text.substr(start, pos - start));
                break;
            }
            default:
                if (!read_number(text, pos, e.min_digits, e.max_digits, value)) {
                    return false;
                }
                switch (e.kind) {
                    case Kind::year4:
                        year = value;
                        break;
                    case Kind::year2:
                        // POSIX strptime %y pivot: 69-99 -> 1969-1999, 00-68 -> 2000-2068.
                        year = value >= 69 ? 1900 + value : 2000 + value;
                        break;
                    case Kind::month:
                        month = value;
                        break;
                    case Kind::day:
                        day = value;
                        break;
                    case Kind::hour12:
                        if (value < 1 || value > 12) {
                            return false;
                        }
                        [[fallthrough]];
                    case Kind::hour24:
                        hour = value;
                        has_time = true;
                        break;
                    case Kind::minute:
                        minute = value;
                        break;
                    default:
                        second = value;
                        break;
                }
                break;
        }
    }
    if (pos != text.size()) {
        return false;
    }
    if (pm >= 0) {
        hour = (hour % 12) + (pm == 1 ? 12 : 0);
    }
    return make_parts(year, month, day, hour, minute, second, micros, has_time, out);
}

}  // namespace cs::parse

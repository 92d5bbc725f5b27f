#include "common/xlsx/number_format.hpp"

namespace cs::xlsx {
namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// [h], [hh], [m], [mm], [s], [ss]: elapsed time.
bool is_elapsed_section(std::string_view inside) {
    if (inside.empty()) {
        return false;
    }
    const char first = lower(inside[0]);
    if (first != 'h' && first != 'm' && first != 's') {
        return false;
    }
    for (char c : inside) {
        if (lower(c) != first) {
            return false;
        }
    }
    return true;
}

}  // namespace

NumberFormat builtin_number_format(std::uint32_t id) {
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) {
        return NumberFormat::date;
    }
    if ((id >= 18 && id <= 22) || (id >= 45 && id <= 47)) {
        return NumberFormat::date_time;
    }
    return NumberFormat::number;
}

NumberFormat classify_format_code(std::string_view code) {
    bool date = false;
    bool time = false;
    for (std::size_t i = 0; i < code.size(); ++i) {
        const char c = lower(code[i]);
        switch (c) {
            case '"': {
                const std::size_t close = code.find('"', i + 1);
                i = close == std::string_view::npos ? code.size() : close;
                break;
            }
            case '\\':
            case '_':
            case '*':
                ++i;  // the next character is literal
                break;
            case '[': {
                const std::size_t close = code.find(']', i + 1);
                if (close == std::string_view::npos) {
                    i = code.size();
                    break;
                }
                if (is_elapsed_section(code.substr(i + 1, close - i - 1))) {
                    time = true;
                }
                i = close;
                break;
            }
            case 'y':
            case 'd':
            case 'm':
                date = true;
                break;
            case 'h':
            case 's':
                time = true;
                break;
            case 'a':
                // AM/PM and A/P mark a 12-hour clock.
                if (code.substr(i, 5) == "AM/PM" || code.substr(i, 5) == "am/pm" ||
                    code.substr(i, 3) == "A/P" || code.substr(i, 3) == "a/p") {
                    time = true;
                }
                break;
            default:
                break;
        }
    }
    if (time) {
        return NumberFormat::date_time;
    }
    return date ? NumberFormat::date : NumberFormat::number;
}

}  // namespace cs::xlsx

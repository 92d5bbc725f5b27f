#include "common/csv/csv_writer.hpp"

namespace cs::csv {
namespace {

// -12.50, +3, -1.5E3: numbers stay numbers in a spreadsheet.
bool is_plain_number(std::string_view s) {
    std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    bool digits = false;
    bool dot = false;
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            digits = true;
        } else if (c == '.' && !dot) {
            dot = true;
        } else if ((c == 'e' || c == 'E') && digits && i + 1 < s.size()) {
            std::size_t j = i + 1;
            if (s[j] == '-' || s[j] == '+') {
                ++j;
            }
            if (j == s.size()) {
                return false;
            }
            for (; j < s.size(); ++j) {
                if (s[j] < '0' || s[j] > '9') {
                    return false;
                }
            }
            return true;
        } else {
            return false;
        }
    }
    return digits;
}

bool runs_as_formula(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    char c = s[0];
    if (c == '=' || c == '@' || c == '\t' || c == '\r') {
        return true;
    }
    return (c == '+' || c == '-') && !is_plain_number(s);
}

}  // namespace

void append_cell(std::string& out, std::string_view value) {
    bool guard = runs_as_formula(value);
    bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
    if (quote) {
        out += '"';
    }
    if (guard) {
        out += '\'';
    }
    for (char c : value) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    if (quote) {
        out += '"';
    }
}

std::string cell(std::string_view value) {
    std::string out;
    append_cell(out, value);
    return out;
}

}  // namespace cs::csv

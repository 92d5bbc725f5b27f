#pragma once

#include <string>
#include <vector>

#include "common/parse/date_format.hpp"
#include "common/parse/number_parse.hpp"

namespace date {
class time_zone;
}

// The knobs of the normalize layers. Each entity sets defaults under
// "normalize"; each field may override any of them (docs/normalization.md).
namespace cs::agent {

struct StringOptions {
    bool trim = true;            // also turns NBSP and other odd spaces into ' '
    bool strip_control = true;   // keeps \t and line breaks
    bool unify_newlines = true;  // CRLF and CR -> LF
    bool empty_as_null = true;   // string fields only; other types are always null when empty
    bool collapse_spaces = false;
};

using NumberOptions = parse::NumberOptions;

struct DateOptions {
    // Tried in order, first match wins. parse_fields fills in the built-in list
    // (chosen by day_first) when the configuration names none.
    std::vector<parse::DateFormat> formats;
    bool day_first = false;
    bool excel_serial = true;
    std::string timezone = "UTC";
    // The resolved IANA zone; nullptr means UTC (no conversion).
    const date::time_zone* zone = nullptr;
};

struct BooleanOptions {
    // Compared case-insensitively; stored folded to lower case.
    std::vector<std::string> true_words = {"true", "t", "yes", "y", "1", "x"};
    std::vector<std::string> false_words = {"false", "f", "no", "n", "0"};
};

struct NormalizeDefaults {
    StringOptions strings;
    NumberOptions numbers;
    DateOptions dates;
    BooleanOptions booleans;
};

}  // namespace cs::agent

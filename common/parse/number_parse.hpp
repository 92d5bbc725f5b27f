#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/decimal/int128.hpp"

namespace cs::parse {

// How text may decorate a number (docs/normalization.md, "numbers").
struct NumberOptions {
    bool decimal_comma = false;  // "1.234,56": ',' is the decimal point, '.' groups thousands
    bool currency_symbols = true;
    bool parentheses_negative = true;  // "(12.00)" accounting negatives
    bool trailing_minus = true;        // "12.00-" (SAP and mainframe exports)
    bool thousands_separators = true;
};

// An exact number read from text: units * 10^-scale.
struct ParsedNumber {
    int128 units = 0;
    int scale = 0;
    bool percent_sign = false;  // the text ended in '%'
};

// Why text is not a number. `reason` is a static string; `position` points at
// the offending byte when there is one. No allocation until it is described.
struct NumberError {
    std::string_view reason;
    std::size_t position = std::string_view::npos;
};

// The numbers layer: "10,000", "$1,234.50", "€ 12", "(12.00)", "12.00-",
// "1.5E3", "+5", "1.234,56" (decimal_comma), "1 234", "1'234", "5%".
// Digit groups after a thousands separator must have exactly three digits, so
// "12,5" is refused rather than silently read as 125. Never uses floating point.
bool parse_number(std::string_view text, const NumberOptions& options, ParsedNumber& out,
                  NumberError& error);

// Drops trailing fractional zeros while the scale is above 38 (after a percent
// shift, say); false when the number really has more than 38 decimal places.
bool fit_scale(ParsedNumber& number);

// The syntax of CellKind::number cells: plain or scientific notation only.
const NumberOptions& plain_number_syntax();

// "'12,5x' is not a number: unexpected 'x'".
std::string describe(std::string_view text, const NumberError& error);

}  // namespace cs::parse

#include "common/parse/number_parse.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "common/parse/number_marks.hpp"
#include "common/text/spaces.hpp"

namespace cs::parse {
namespace {

constexpr int kMaxDigits = 38;
constexpr std::string_view kUnexpected = "unexpected character";

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view group_reason(int separator_kind, const NumberOptions& options) {
    if (separator_kind == 1 && !options.decimal_comma) {
        return "digit groups after ',' need 3 digits (if ',' is the decimal point here, set "
               "decimal_comma)";
    }
    if (separator_kind == 1) {
        return "digit groups after '.' need 3 digits (decimal_comma is on, so '.' separates "
               "thousands)";
    }
    return "digit groups between thousands separators need 3 digits";
}

}  // namespace

const NumberOptions& plain_number_syntax() {
    static const NumberOptions kPlain{.decimal_comma = false,
                                      .currency_symbols = false,
                                      .parentheses_negative = false,
                                      .trailing_minus = false,
                                      .thousands_separators = false};
    return kPlain;
}

bool parse_number(std::string_view text, const NumberOptions& options, ParsedNumber& out,
                  NumberError& error) {
    auto fail = [&](std::string_view reason, std::size_t position = std::string_view::npos) {
        error = NumberError{reason, position};
        return false;
    };
    NumberMarks marks;
    if (!peel_marks(text, options, marks, error)) {
        return false;
    }
    const std::size_t b = marks.begin;
    const std::size_t e = marks.end;
    const bool negative = marks.negative;

    const char point = options.decimal_comma ? ',' : '.';
    const char group_char = options.decimal_comma ? '.' : ',';
    // Digits collect in 64 bits (fast) and move to 128 bits only past 18 of them.
    std::uint64_t small = 0;
    int128 units = 0;
    int digits = 0;  // significant digits held in small/units
    int scale = 0;
    bool any_digit = false;
    bool seen_point = false;
    int group_len = 0;       // digits since the last thousands separator
    int separator_kind = 0;  // 0 none, 1 ',' or '.', 2 space, 3 apostrophe, 4 odd space
    std::size_t i = b;
    while (i < e) {
        char c = text[i];
        if (is_digit(c)) {
            any_digit = true;
            group_len += seen_point ? 0 : 1;
            if (digits == 0 && c == '0') {
                scale += seen_point ? 1 : 0;  // a leading zero uses no significant digit
            } else {
                if (digits < 18) {
                    small = small * 10 + static_cast<std::uint64_t>(c - '0');
                } else if (digits < kMaxDigits) {
                    if (digits == 18) {
                        units = static_cast<int128>(small);
                    }
                    units = units * 10 + (c - '0');
                } else {
                    return fail("more than 38 significant digits", i);
                }
                ++digits;
                scale += seen_point ? 1 : 0;
            }
            ++i;
            continue;
        }
        if (c == point && !seen_point) {
            if (separator_kind != 0 && group_len != 3) {
                return fail(group_reason(separator_kind, options), i);
            }
            seen_point = true;
            ++i;
            continue;
        }
        if (!seen_point && options.thousands_separators) {
            std::size_t n = 1;
            int kind = c == group_char ? 1 : c == ' ' ? 2 : c == '\'' ? 3 : 0;
            if (kind == 0 && static_cast<unsigned char>(c) >= 0x80 &&
                (n = text::odd_space_length(text.substr(i, e - i))) > 0) {
                kind = 4;
            }
            if (kind != 0) {
                if (!any_digit) {
                    return fail("thousands separator before the first digit", i);
                }
                if (separator_kind != 0 && kind != separator_kind) {
                    return fail("mixes different thousands separators", i);
                }
                if (separator_kind != 0 ? group_len != 3 : group_len > 3) {
                    return fail(group_reason(kind, options), i);
                }
                if (i + n >= e || !is_digit(text[i + n])) {
                    return fail("a thousands separator must be followed by digits", i);
                }
                separator_kind = kind;
                group_len = 0;
                i += n;
                continue;
            }
        }
        if ((c == 'e' || c == 'E') && any_digit) {
            break;
        }
        return fail(kUnexpected, i);
    }
    if (digits <= 18) {
        units = static_cast<int128>(small);
    }
    if (!any_digit) {
        return fail("no digits");
    }
    if (separator_kind != 0 && !seen_point && group_len != 3) {
        return fail(group_reason(separator_kind, options));
    }
    if (i < e) {
        // Scientific notation: i is at the 'e'.
        std::size_t j = i + 1;
        bool exponent_negative = false;
        if (j < e && (text[j] == '+' || text[j] == '-')) {
            exponent_negative = text[j] == '-';
            ++j;
        }
        if (j == e) {
            return fail("exponent has no digits", i);
        }
        int exponent = 0;
        for (; j < e; ++j) {
            if (!is_digit(text[j])) {
                return fail(kUnexpected, j);
            }
            exponent = exponent * 10 + (text[j] - '0');
            if (exponent > 400) {
                return fail("exponent out of range", i);
            }
        }
        scale += exponent_negative ? exponent : -exponent;
    }
    if (scale < 0) {
        if (units != 0) {
            if (digits - scale > kMaxDigits) {
                return fail("more than 38 significant digits");
            }
            for (; scale < 0; ++scale) {
                units *= 10;
            }
        }
        scale = 0;
    }
    out.units = negative ? -units : units;
    out.scale = scale;
    out.percent_sign = marks.percent;
    return out.scale <= kMaxDigits || fit_scale(out) || fail("more than 38 decimal places");
}

bool fit_scale(ParsedNumber& number) {
    if (number.units == 0 && number.scale > kMaxDigits) {
        number.scale = kMaxDigits;
    }
    while (number.scale > kMaxDigits && number.units % 10 == 0) {
        number.units /= 10;
        --number.scale;
    }
    return number.scale <= kMaxDigits;
}

std::string describe(std::string_view text, const NumberError& error) {
    if (error.reason == kUnexpected && error.position < text.size()) {
        std::size_t n = text::sequence_length(static_cast<unsigned char>(text[error.position]));
        return fmt::format("'{}' is not a number: unexpected '{}'", text,
                           text.substr(error.position, n));
    }
    return fmt::format("'{}' is not a number: {}", text, error.reason);
}

}  // namespace cs::parse

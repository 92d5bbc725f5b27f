#pragma once

#include <cstddef>
#include <string_view>

#include "common/parse/number_parse.hpp"

namespace cs::parse {

// Where the digits of a number are once its decorations are peeled off.
struct NumberMarks {
    std::size_t begin = 0;  // the digits are text[begin, end)
    std::size_t end = 0;
    bool negative = false;  // a sign, parentheses or a trailing minus said so
    bool percent = false;   // a '%' sign
};

// Peels spaces, signs, accounting parentheses, trailing minus, currency marks
// ($, US$, euro, pound, yen, rupee, or a code such as USD) and '%' off both
// ends, in whatever order the source nests them: "-$1.00", "$-1.00",
// "($1.00)", "$(1.00)", "1,00 EUR-", "5 %". False with `error` set when the
// marks contradict each other or the options forbid them.
bool peel_marks(std::string_view text, const NumberOptions& options, NumberMarks& marks,
                NumberError& error);

}  // namespace cs::parse

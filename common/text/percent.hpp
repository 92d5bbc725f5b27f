#pragma once

#include <string>
#include <string_view>

#include "common/base/expected.hpp"

// Percent-encoding of URL components (RFC 3986, section 2.1).
namespace cs::text {

// Every byte outside the unreserved set (ALPHA / DIGIT / "-" / "." / "_" / "~")
// as %XX with uppercase digits: safe in a path segment, a query value and an
// application/x-www-form-urlencoded body alike.
std::string percent_encode(std::string_view bytes);

// Decodes %XX escapes (either case); with `plus_is_space`, '+' is a space as in
// query strings and form bodies. A '%' without two hex digits after it is an
// error naming its position.
Expected<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace cs::text

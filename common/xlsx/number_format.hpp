#pragma once

#include <cstdint>
#include <string_view>

namespace cs::xlsx {

// What a cell's number format says its number means.
enum class NumberFormat : std::uint8_t {
    number,     // anything that is not a date
    date,       // date tokens only: a whole serial is a date
    date_time,  // has a time part (h, s, AM/PM, elapsed [h]): always a date-time
};

// Built-in formats (ECMA-376 18.8.30): 14-17 dates, 18-21 and 45-47 times, 22
// date-time, and the East Asian locale formats 27-36 and 50-58 as dates.
NumberFormat builtin_number_format(std::uint32_t id);

// A custom format code is a date when it has y, m, d, h or s outside quoted
// text, backslash escapes, _ and * fill characters and [...] sections (colours,
// conditions, locales) — except the elapsed-time sections [h], [mm], [ss].
NumberFormat classify_format_code(std::string_view code);

}  // namespace cs::xlsx

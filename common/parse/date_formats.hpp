#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/parse/date_format.hpp"
#include "common/parse/date_text.hpp"

namespace cs::parse {

// The formats tried when a configuration names none (docs/normalization.md).
// `day_first` decides whether 01/02/2026 is 1 February or January 2.
const std::vector<DateFormat>& builtin_date_formats(bool day_first);

// An Excel 1900-system serial ("45658", "45658.75") to a date and local time.
// Serial 1 is 1900-01-01; serial 60 is Lotus 1-2-3's phantom 1900-02-29 and is
// refused; from 61 on serials count from 1899-12-30. Times round to the
// millisecond (Excel stores no finer).
bool excel_serial_to_parts(std::string_view text, DateTimeParts& out, std::string& why);

}  // namespace cs::parse

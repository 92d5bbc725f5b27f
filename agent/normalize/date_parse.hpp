#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/normalize/date_format.hpp"
#include "agent/normalize/options.hpp"
#include "common/rows/raw_batch.hpp"

namespace cs::agent::normalize {

// The formats tried when the configuration names none (docs/normalization.md).
// `day_first` decides whether 01/02/2026 is 1 February or January 2.
const std::vector<DateFormat>& builtin_date_formats(bool day_first);

// An Excel 1900-system serial ("45658", "45658.75") to a date and local time.
// Serial 1 is 1900-01-01; serial 60 is Lotus 1-2-3's phantom 1900-02-29 and is
// refused; from 61 on serials count from 1899-12-30. Times round to the
// millisecond (Excel stores no finer).
bool excel_serial_to_parts(std::string_view text, DateTimeParts& out, std::string& why);

// The dates layer for one cell: XLSX date/datetime cells (ISO text), number
// cells (Excel serials), text by the configured formats, then as an Excel
// serial when excel_serial is on. On failure `why` says so (allocation only then).
bool read_date_time(const DateOptions& options, CellKind kind, std::string_view text,
                    DateTimeParts& out, std::string& why);

}  // namespace cs::agent::normalize

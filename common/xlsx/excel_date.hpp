#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/rows/raw_batch.hpp"

namespace cs::xlsx {

struct ExcelDate {
    CellKind kind = CellKind::date;  // date or datetime
    std::string text;                // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.fff]"
};

// Turns an Excel serial, given as the exact decimal text stored in the cell, into
// a calendar date without binary floating point: the fraction of a day is
// rounded to whole milliseconds in integer arithmetic. A whole serial with a
// date-only format is a date; a fraction or a time format makes a datetime.
//
// 1900 system: serial 1 is 1900-01-01 and, as Excel counts the nonexistent
// 1900-02-29 as serial 60, serials from 61 on are one day less than a plain
// count; serial 60 itself is no date (nullopt), nor is serial 0 with no time.
// 1904 system: serial 0 is 1904-01-01. Negative serials and dates after
// 9999-12-31 are not dates either; the caller keeps such cells as numbers.
std::optional<ExcelDate> excel_serial_to_date(std::string_view serial, bool date1904,
                                              bool time_format);

}  // namespace cs::xlsx

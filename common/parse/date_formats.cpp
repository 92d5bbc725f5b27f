#include "common/parse/date_formats.hpp"

#include <array>
#include <cassert>

#include <fmt/format.h>

#include "common/calendar/civil.hpp"
#include "common/parse/number_parse.hpp"

namespace cs::parse {
namespace {

constexpr std::int64_t kMillisPerDay = 86'400'000;
constexpr int128 kMaxSerial = 2'958'465;  // 9999-12-31

// Order matters only between formats that can match the same text; month-first
// and day-first lists differ exactly in the slash and dash forms.
constexpr std::array<std::string_view, 24> kMonthFirst = {
    "ISO8601",         "YYYYMMDD",           "M/D/YYYY",   "M/D/YYYY H:mm", "M/D/YYYY H:mm:ss",
    "M/D/YYYY h:mm A", "M/D/YYYY h:mm:ss A", "M/D/YY",     "M-D-YYYY",      "YYYY-M-D",
    "YYYY/M/D",        "YYYY/M/D H:mm:ss",   "D.M.YYYY",   "D.M.YYYY H:mm", "D.M.YYYY H:mm:ss",
    "D.M.YY",          "D-MMM-YYYY",         "D-MMM-YY",   "D MMM YYYY",    "MMM D, YYYY",
    "MMM D YYYY",      "MMM-D-YYYY",         "YYYY-MMM-D", "D/MMM/YYYY"};
constexpr std::array<std::string_view, 24> kDayFirst = {
    "ISO8601",         "YYYYMMDD",           "D/M/YYYY",   "D/M/YYYY H:mm", "D/M/YYYY H:mm:ss",
    "D/M/YYYY h:mm A", "D/M/YYYY h:mm:ss A", "D/M/YY",     "D-M-YYYY",      "YYYY-M-D",
    "YYYY/M/D",        "YYYY/M/D H:mm:ss",   "D.M.YYYY",   "D.M.YYYY H:mm", "D.M.YYYY H:mm:ss",
    "D.M.YY",          "D-MMM-YYYY",         "D-MMM-YY",   "D MMM YYYY",    "MMM D, YYYY",
    "MMM D YYYY",      "MMM-D-YYYY",         "YYYY-MMM-D", "D/MMM/YYYY"};

std::vector<DateFormat> compile_all(const std::array<std::string_view, 24>& patterns) {
    std::vector<DateFormat> out;
    for (std::string_view pattern : patterns) {
        auto format = DateFormat::compile(pattern);
        assert(format.has_value());
        out.push_back(std::move(format).value());
    }
    return out;
}

}  // namespace

const std::vector<DateFormat>& builtin_date_formats(bool day_first) {
    static const std::vector<DateFormat> kMonthFirstFormats = compile_all(kMonthFirst);
    static const std::vector<DateFormat> kDayFirstFormats = compile_all(kDayFirst);
    return day_first ? kDayFirstFormats : kMonthFirstFormats;
}

bool excel_serial_to_parts(std::string_view text, DateTimeParts& out, std::string& why) {
    ParsedNumber number;
    NumberError error;
    if (!parse_number(text, plain_number_syntax(), number, error) || number.percent_sign) {
        why = fmt::format("'{}' is not an Excel date serial", text);
        return false;
    }
    if (number.units < 0) {
        why = fmt::format("'{}' is a negative Excel date serial", text);
        return false;
    }
    // Keep at most 15 fraction digits (more than a double holds) so the
    // millisecond arithmetic below stays far inside 128 bits.
    for (; number.scale > 15; --number.scale) {
        number.units /= 10;
    }
    int128 pow = 1;
    for (int i = 0; i < number.scale; ++i) {
        pow *= 10;
    }
    int128 whole = number.units / pow;
    int128 fraction = number.units % pow;
    if (whole < 1 || whole > kMaxSerial) {
        why = fmt::format(
            "'{}' is outside the Excel date serials 1 (1900-01-01) to 2958465 "
            "(9999-12-31)",
            text);
        return false;
    }
    if (whole == 60) {
        why = fmt::format(
            "'{}' is Excel serial 60, the day 1900-02-29 that never existed "
            "(Excel keeps Lotus 1-2-3's leap-year bug)",
            text);
        return false;
    }
    // Serials 1..59 count from 1899-12-31; the phantom day 60 shifts the rest by one.
    int128 offset = whole < 60 ? whole : whole - 1;
    std::int64_t millis =
        static_cast<std::int64_t>((fraction * kMillisPerDay * 2 + pow) / (2 * pow));
    if (millis == kMillisPerDay) {
        millis = 0;
        ++offset;
    }
    out.days = static_cast<std::int32_t>(calendar::days_from_civil(1899, 12, 31)) +
               static_cast<std::int32_t>(offset);
    out.micros_of_day = millis * 1000;
    out.has_time = fraction != 0;
    out.has_offset = false;
    out.offset_seconds = 0;
    return true;
}

}  // namespace cs::parse

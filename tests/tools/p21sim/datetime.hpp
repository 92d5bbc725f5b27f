#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace date {
class time_zone;
}

namespace cs::p21sim {

// How datetimes are written on the wire.
enum class DateTimeStyle {
    naive,   // "2025-01-01T10:00:00" in the server's local time, as P21 commonly answers
    offset,  // "2025-01-01T10:00:00-06:00": local time with its UTC offset
    utc,     // "2025-01-01T16:00:00Z": used by the generic OData surface
};

Expected<DateTimeStyle> parse_datetime_style(std::string_view name);
std::string_view to_string(DateTimeStyle style);

// The server's IANA time zone (from the system tz database).
class TimeZone {
public:
    static Expected<TimeZone> locate(std::string_view name);

    const std::string& name() const { return name_; }
    // UTC offset in seconds at an instant.
    int offset_seconds(std::int64_t utc_ms) const;
    // A local wall-clock time to an instant. Ambiguous times (DST fall back) take the
    // earlier instant; times in a DST gap move forward by the gap, as SQL Server
    // AT TIME ZONE does.
    std::int64_t local_to_utc(std::int64_t local_ms) const;

private:
    TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}

    const date::time_zone* zone_;
    std::string name_;
};

// Appends "YYYY-MM-DDTHH:MM:SS[.mmm]" plus the style's suffix. Milliseconds are
// written only when they are not zero, as SQL Server datetime values serialize.
void append_datetime(std::string& out, std::int64_t utc_ms, const TimeZone& zone,
                     DateTimeStyle style);
std::string format_datetime(std::int64_t utc_ms, const TimeZone& zone, DateTimeStyle style);

// Parses an OData date or datetime literal: "2025-01-01" (local midnight),
// "2025-01-01T10:00", "2025-01-01T10:00:00.123" (local time), or either of the
// latter with "Z" or "+hh:mm"/"-hh:mm" (an instant).
Expected<std::int64_t> parse_datetime(std::string_view text, const TimeZone& zone);

// True if the text has the shape of a date literal (starts with "dddd-dd-dd").
bool looks_like_date(std::string_view text);

}  // namespace cs::p21sim

#pragma once

#include <chrono>
#include <string>

#include "common/base/expected.hpp"

namespace date {
class time_zone;
}

namespace cs::agent::schedule {

// Instants are UTC, microsecond precision, whatever clock produced them.
using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

// A daily wall-clock window in one time zone, e.g. 19:00–07:00 America/Chicago.
// An end at or before the start crosses midnight. Local times are resolved as
// the tz database says on that very day: a window edge inside a spring-forward
// gap moves to the end of the gap, one inside a fall-back overlap takes the
// first occurrence, so a 19:00–07:00 window lasts 11 or 13 hours on DST nights.
struct DailyWindow {
    std::chrono::minutes start{0};  // after local midnight, [0, 24h)
    std::chrono::minutes end{0};    // after local midnight, [0, 24h); != start
    const date::time_zone* zone = nullptr;

    bool is_open(TimePoint now) const;
    // `now` when open, otherwise the next instant it opens.
    TimePoint next_open(TimePoint now) const;
    // When open: the instant the current opening ends. When closed: the end of the next opening.
    TimePoint next_close(TimePoint now) const;
    // "19:00-07:00 America/Chicago", for messages.
    std::string describe() const;
};

// Parses "HH:MM" (00:00..23:59) into minutes after midnight.
Expected<std::chrono::minutes> parse_clock_time(std::string_view text);

// Looks up an IANA zone ("UTC" included); "local" is the zone this machine runs in.
Expected<const date::time_zone*> find_window_zone(std::string_view name);

}  // namespace cs::agent::schedule

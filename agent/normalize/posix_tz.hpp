#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cs::agent::normalize {

// The POSIX TZ rule ("CST6CDT,M3.2.0,M11.1.0") that a TZif file states in its
// footer for every time after its last listed transition (RFC 8536 section 3.3,
// including the version 3 extensions: hours outside 0..24 and negative times).
//
// Why this exists: the Howard Hinnant date library, in the OS-tzdb mode Debian
// builds it with, reads only the listed transitions, which zic writes up to
// 2037; after that it keeps the last offset, so a July 2040 time in Chicago
// would come out in standard time. ZoneConverter asks this rule instead for
// times past the zone's last transition (docs/normalization.md).
class PosixRule {
public:
    static std::optional<PosixRule> parse(std::string_view tz);
    // The footer of the zone's TZif file in the system tz database; nullopt when
    // there is none (no such file, or a text tz database that needs no footer).
    static std::optional<PosixRule> load(std::string_view zone_name);

    bool has_dst() const { return has_dst_; }
    // Local wall-clock seconds to UTC seconds, resolving gaps with the offset
    // from before the gap and overlaps to the first occurrence.
    std::int64_t to_utc(std::int64_t local_seconds) const;

private:
    struct Transition {
        char kind = 'M';  // 'J': Julian day 1-365 without Feb 29, 'n': day 0-365, 'M': month rule
        int month = 0;
        int week = 0;              // 1-5, 5 = last
        int weekday = 0;           // 0 = Sunday
        int day = 0;               // for 'J' and 'n'
        std::int32_t time = 7200;  // seconds after local midnight, may be negative or > 24h
    };

    // UTC seconds at which the transition happens in `year`, given the offset
    // in effect before it.
    std::int64_t transition_utc(const Transition& t, int year, std::int32_t offset_before) const;
    bool is_dst(std::int64_t utc) const;

    std::int32_t std_offset_ = 0;  // seconds east of UTC
    std::int32_t dst_offset_ = 0;
    bool has_dst_ = false;
    Transition start_;  // into daylight time
    Transition end_;    // back to standard time
};

}  // namespace cs::agent::normalize

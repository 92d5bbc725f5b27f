#pragma once

#include <cstdint>
#include <string_view>

#include "common/base/expected.hpp"

namespace date {
class time_zone;
}

namespace cs::agent::normalize {

struct ZoneTail;

// Looks a zone up by its IANA or Windows name (agent/timezone), once, at
// configuration time. "UTC" resolves to nullptr: no conversion needed.
Expected<const date::time_zone*> find_zone(std::string_view name);

// Converts local wall-clock seconds in one zone to UTC seconds. Remembers the
// last unambiguous offset period, so a run of rows from the same season costs
// two comparisons instead of a tz database search. Times after the zone's last
// listed transition (2037 in Debian's zoneinfo) follow the file's POSIX footer
// rule (posix_tz.hpp). One per thread.
//
// DST rules (deterministic, as java.time and Python's fold=0 resolve them):
//  - a time inside a spring-forward gap uses the offset from before the gap,
//    which moves it forward by the gap (02:30 on a spring-forward night in
//    Chicago, a time that never happened, becomes 03:30 CDT);
//  - a time inside a fall-back overlap is the first (earlier) occurrence.
class ZoneConverter {
public:
    ZoneConverter() = default;
    explicit ZoneConverter(const date::time_zone* zone);

    std::int64_t to_utc(std::int64_t local_seconds);

private:
    const date::time_zone* zone_ = nullptr;
    const ZoneTail* tail_ = nullptr;  // the footer rule for times after the last transition
    std::int64_t offset_ = 0;         // seconds east of UTC in the cached period
    std::int64_t safe_begin_ = 1;     // UTC seconds where offset_ is certainly the only answer
    std::int64_t safe_end_ = 0;
};

}  // namespace cs::agent::normalize

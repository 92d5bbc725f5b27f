#include "agent/normalize/time_zone.hpp"

#include <limits>
#include <map>
#include <mutex>
#include <optional>

#include <date/tz.h>

#include "agent/normalize/posix_tz.hpp"
#include "agent/timezone/zone_names.hpp"

namespace cs::agent::normalize {
namespace {

// Larger than any UTC offset difference (offsets lie within -12h..+14h), so a
// local time whose UTC candidate is this far inside one offset period cannot
// also map into a neighbouring period: the answer is unique.
constexpr std::int64_t kMargin = 2 * 86'400;

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    if (__builtin_add_overflow(a, b, &out)) {
        return b > 0 ? std::numeric_limits<std::int64_t>::max()
                     : std::numeric_limits<std::int64_t>::min();
    }
    return out;
}

}  // namespace

struct ZoneTail {
    std::int64_t begin = 0;  // UTC seconds of the zone's last listed transition
    std::optional<PosixRule> rule;
};

namespace {

// Loaded once per zone (at configuration time, from find_zone) and kept for
// the life of the process, like the date library's own zone objects.
const ZoneTail* tail_of(const date::time_zone* zone) {
    static std::mutex mutex;
    static std::map<const date::time_zone*, ZoneTail> tails;
    std::lock_guard lock(mutex);
    auto it = tails.find(zone);
    if (it == tails.end()) {
        ZoneTail tail;
        auto last = zone->get_info(date::sys_seconds{std::chrono::seconds{253'402'300'799}});
        tail.begin = last.begin.time_since_epoch().count();
        tail.rule = PosixRule::load(zone->name());
        if (tail.rule && !tail.rule->has_dst()) {
            tail.rule.reset();  // a fixed offset: the last listed period already says it
        }
        it = tails.emplace(zone, std::move(tail)).first;
    }
    return &it->second;
}

}  // namespace

Expected<const date::time_zone*> find_zone(std::string_view name) {
    if (name == "UTC" || name == "Etc/UTC") {
        return static_cast<const date::time_zone*>(nullptr);
    }
    auto zone = timezone::locate(name);
    if (zone) {
        (void)tail_of(*zone);
    }
    return zone;
}

ZoneConverter::ZoneConverter(const date::time_zone* zone) : zone_(zone) {
    if (zone_ != nullptr) {
        tail_ = tail_of(zone_);
    }
}

std::int64_t ZoneConverter::to_utc(std::int64_t local_seconds) {
    if (zone_ == nullptr) {
        return local_seconds;
    }
    if (tail_->rule && local_seconds > tail_->begin + kMargin) {
        return tail_->rule->to_utc(local_seconds);
    }
    std::int64_t candidate = local_seconds - offset_;
    if (candidate >= safe_begin_ && candidate < safe_end_) {
        return candidate;
    }
    auto info = zone_->get_info(date::local_seconds{std::chrono::seconds{local_seconds}});
    // For a gap `first` is the period before it; for an overlap `first` is the
    // earlier period. Either way its offset gives the documented answer.
    const date::sys_info& period = info.first;
    std::int64_t offset = period.offset.count();
    if (info.result == date::local_info::unique) {
        offset_ = offset;
        safe_begin_ = saturating_add(period.begin.time_since_epoch().count(), kMargin);
        safe_end_ = saturating_add(period.end.time_since_epoch().count(), -kMargin);
    }
    return local_seconds - offset;
}

}  // namespace cs::agent::normalize

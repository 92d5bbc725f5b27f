#include "agent/source/odata/request_pacer.hpp"

#include <algorithm>

namespace cs::agent::odata {

RateLimiter::RateLimiter(int per_minute, int per_hour)
    : per_minute_(std::max(1, per_minute)), per_hour_(std::max(1, per_hour)) {}

std::chrono::milliseconds RateLimiter::delay(SteadyClock::time_point now) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    while (!starts_.empty() && now - starts_.front() >= std::chrono::hours(1)) {
        starts_.pop_front();
    }
    SteadyClock::time_point ready = now;
    if (starts_.size() >= static_cast<std::size_t>(per_hour_)) {
        // The request per_hour_ places back must leave the hour window first.
        ready = std::max(ready, starts_[starts_.size() - static_cast<std::size_t>(per_hour_)] +
                                    std::chrono::hours(1));
    }
    if (starts_.size() >= static_cast<std::size_t>(per_minute_)) {
        ready = std::max(ready, starts_[starts_.size() - static_cast<std::size_t>(per_minute_)] +
                                    std::chrono::minutes(1));
    }
    auto wait = duration_cast<milliseconds>(ready - now);
    if (ready > now && wait.count() == 0) {
        wait = milliseconds(1);
    }
    return wait;
}

void RateLimiter::record(SteadyClock::time_point now) {
    starts_.push_back(now);
    while (starts_.size() > static_cast<std::size_t>(per_hour_)) {
        starts_.pop_front();
    }
}

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds max, std::uint64_t seed)
    : base_(std::max(base, std::chrono::milliseconds(1))),
      max_(std::max(max, base_)),
      random_(seed) {}

std::chrono::milliseconds Backoff::next(int attempt) {
    auto d = base_;
    for (int i = 0; i < attempt && d < max_; ++i) {
        d *= 2;
    }
    d = std::min(d, max_);
    std::uniform_int_distribution<std::int64_t> pick(d.count() / 2, d.count());
    return std::chrono::milliseconds(pick(random_));
}

}  // namespace cs::agent::odata

#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <random>

namespace cs::agent::odata {

using SteadyClock = std::chrono::steady_clock;

// Sliding-window request limits per source (per minute and per hour), so the
// agent never floods the P21 middleware, retries included.
class RateLimiter {
public:
    RateLimiter(int per_minute, int per_hour);

    // How long to wait before a request may start at `now` (zero: go now).
    std::chrono::milliseconds delay(SteadyClock::time_point now);
    // Records a request that started at `now`.
    void record(SteadyClock::time_point now);

private:
    int per_minute_;
    int per_hour_;
    std::deque<SteadyClock::time_point> starts_;  // within the last hour, oldest first
};

// Exponential backoff with jitter: attempt n waits a random time in
// [d/2, d] where d = min(max, base * 2^n), so clients that failed together
// do not retry together.
class Backoff {
public:
    Backoff(std::chrono::milliseconds base, std::chrono::milliseconds max, std::uint64_t seed);
    std::chrono::milliseconds next(int attempt);

private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds max_;
    std::mt19937_64 random_;
};

}  // namespace cs::agent::odata

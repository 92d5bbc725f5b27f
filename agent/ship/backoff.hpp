#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace cs::agent::ship {

struct BackoffPolicy {
    std::chrono::milliseconds base{1000};
    std::chrono::milliseconds cap{5 * 60 * 1000};
};

// Capped exponential backoff with full jitter: the n-th consecutive failure waits
// a uniformly random time in [0, min(cap, base * 2^n)]. Full jitter spreads a
// fleet of agents that lost the relay at the same moment, so they do not all
// come back in the same second.
class Backoff {
public:
    explicit Backoff(BackoffPolicy policy, std::uint64_t seed = std::random_device{}());

    // The delay before the next attempt; counts one more failure.
    std::chrono::milliseconds next();
    // The upper bound next() draws from, without drawing.
    std::chrono::milliseconds ceiling() const;
    // A uniformly random delay in [low, high], from the same generator.
    std::chrono::milliseconds between(std::chrono::milliseconds low,
                                      std::chrono::milliseconds high);
    // After a connection that stayed up: start again from `base`.
    void reset() { failures_ = 0; }
    int failures() const { return failures_; }

private:
    BackoffPolicy policy_;
    int failures_ = 0;
    std::mt19937_64 random_;
};

}  // namespace cs::agent::ship

#include "agent/ship/backoff.hpp"

#include <algorithm>

namespace cs::agent::ship {

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed) : policy_(policy), random_(seed) {
    policy_.base = std::max(policy_.base, std::chrono::milliseconds(1));
    policy_.cap = std::max(policy_.cap, policy_.base);
}

std::chrono::milliseconds Backoff::ceiling() const {
    // Doubling stops once the cap is reached, so the shift never overflows.
    std::int64_t ceiling = policy_.base.count();
    for (int i = 0; i < failures_ && ceiling < policy_.cap.count(); ++i) {
        ceiling *= 2;
    }
    return std::chrono::milliseconds(std::min(ceiling, policy_.cap.count()));
}

std::chrono::milliseconds Backoff::next() {
    std::uniform_int_distribution<std::int64_t> pick(0, ceiling().count());
    auto delay = std::chrono::milliseconds(pick(random_));
    ++failures_;
    return delay;
}

std::chrono::milliseconds Backoff::between(std::chrono::milliseconds low,
                                           std::chrono::milliseconds high) {
    std::uniform_int_distribution<std::int64_t> pick(low.count(), std::max(low, high).count());
    return std::chrono::milliseconds(pick(random_));
}

}  // namespace cs::agent::ship

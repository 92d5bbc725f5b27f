#include "tests/tools/p21sim/clock.hpp"

#include <chrono>

namespace cs::p21sim {

std::int64_t real_now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t steady_now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

SimClock::SimClock(std::optional<std::int64_t> start_ms, bool frozen)
    : start_ms_(start_ms), start_frozen_(frozen) {
    reset();
}

std::int64_t SimClock::now_locked() const {
    return frozen_ ? base_ms_ : base_ms_ + (steady_now_ms() - base_steady_ms_);
}

std::int64_t SimClock::now_ms() const {
    std::lock_guard lock(mutex_);
    return now_locked();
}

void SimClock::set(std::int64_t utc_ms) {
    std::lock_guard lock(mutex_);
    base_ms_ = utc_ms;
    base_steady_ms_ = steady_now_ms();
}

void SimClock::advance(std::int64_t ms) {
    std::lock_guard lock(mutex_);
    base_ms_ = now_locked() + ms;
    base_steady_ms_ = steady_now_ms();
}

void SimClock::set_frozen(bool frozen) {
    std::lock_guard lock(mutex_);
    base_ms_ = now_locked();
    base_steady_ms_ = steady_now_ms();
    frozen_ = frozen;
}

bool SimClock::frozen() const {
    std::lock_guard lock(mutex_);
    return frozen_;
}

void SimClock::reset() {
    std::lock_guard lock(mutex_);
    base_ms_ = start_ms_.value_or(real_now_ms());
    base_steady_ms_ = steady_now_ms();
    frozen_ = start_frozen_;
}

}  // namespace cs::p21sim

#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

namespace cs::p21sim {

// The simulator's "now": stamps date_last_modified on mutations and expires
// tokens. It runs with real time from its start value unless frozen; tests set
// and advance it through /__admin/clock to control look-back windows.
class SimClock {
public:
    // start_ms empty: the real time at construction.
    SimClock(std::optional<std::int64_t> start_ms, bool frozen);

    std::int64_t now_ms() const;
    void set(std::int64_t utc_ms);
    void advance(std::int64_t ms);
    void set_frozen(bool frozen);
    bool frozen() const;
    // Back to the start value and mode given at construction.
    void reset();

private:
    std::int64_t now_locked() const;

    mutable std::mutex mutex_;
    std::optional<std::int64_t> start_ms_;
    bool start_frozen_;
    std::int64_t base_ms_ = 0;         // the clock's value at base_steady_ms_
    std::int64_t base_steady_ms_ = 0;  // steady clock reading when base_ms_ was set
    bool frozen_ = false;
};

// Wall-clock and monotonic milliseconds.
std::int64_t real_now_ms();
std::int64_t steady_now_ms();

}  // namespace cs::p21sim

#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "agent/ship/uplink_status.hpp"

namespace cs::agent::ship {

// The uplink's status, written by its thread and read (or waited on) by others.
class StatusBoard {
public:
    template <typename F>
    void update(F&& change) {
        {
            std::lock_guard lock(mutex_);
            change(status_);
        }
        changed_.notify_all();
    }

    UplinkStatus snapshot() const;
    UplinkStatus wait_until(const std::function<bool(const UplinkStatus&)>& done,
                            std::chrono::steady_clock::time_point deadline) const;

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    UplinkStatus status_;
};

}  // namespace cs::agent::ship

#include "agent/ship/status_board.hpp"

namespace cs::agent::ship {

std::string_view to_string(LinkState state) {
    switch (state) {
        case LinkState::connecting:
            return "connecting";
        case LinkState::connected:
            return "connected";
        case LinkState::waiting:
            return "waiting";
        case LinkState::stopped:
            return "stopped";
    }
    return "unknown";
}

UplinkStatus StatusBoard::snapshot() const {
    std::lock_guard lock(mutex_);
    return status_;
}

UplinkStatus StatusBoard::wait_until(const std::function<bool(const UplinkStatus&)>& done,
                                     std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] { return done(status_); });
    return status_;
}

}  // namespace cs::agent::ship

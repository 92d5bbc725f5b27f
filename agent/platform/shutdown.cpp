#include "agent/platform/shutdown.hpp"

namespace cs::agent::platform {

void Shutdown::request(std::string why) {
    std::vector<std::function<void()>> listeners;
    {
        std::lock_guard lock(mutex_);
        if (flag_.load()) {
            return;
        }
        reason_ = std::move(why);
        flag_.store(true);
        listeners = listeners_;
    }
    changed_.notify_all();
    for (auto& listener : listeners) {
        listener();
    }
}

std::string Shutdown::reason() const {
    std::lock_guard lock(mutex_);
    return reason_;
}

bool Shutdown::wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return flag_.load(); });
}

void Shutdown::on_request(std::function<void()> listener) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(std::move(listener));
}

}  // namespace cs::agent::platform

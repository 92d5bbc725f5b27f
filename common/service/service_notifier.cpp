#include "common/service/service_notifier.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "common/service/notify_socket.hpp"

namespace cs::service {

ServiceNotifier ServiceNotifier::from_environment() {
    ServiceNotifier n;
    if (const char* socket = std::getenv("NOTIFY_SOCKET"); socket != nullptr) {
        n.socket_path_ = socket;
    }
    const char* usec = std::getenv("WATCHDOG_USEC");
    const char* pid = std::getenv("WATCHDOG_PID");
    // WATCHDOG_PID names the process the manager watches; a child that
    // inherited the variables must not ping for its parent.
    bool ours = pid == nullptr || std::strtol(pid, nullptr, 10) == current_process_id();
    if (usec != nullptr && ours) {
        char* end = nullptr;
        long long value = std::strtoll(usec, &end, 10);
        if (end != usec && *end == '\0' && value > 0) {
            n.watchdog_ = std::chrono::microseconds(value);
        }
    }
    return n;
}

ServiceNotifier ServiceNotifier::for_socket(std::string socket_path,
                                            std::optional<std::chrono::microseconds> watchdog) {
    ServiceNotifier n;
    n.socket_path_ = std::move(socket_path);
    n.watchdog_ = watchdog;
    return n;
}

Status ServiceNotifier::notify(std::string_view state) const {
    if (!enabled()) {
        return ok();
    }
    return send_notification(socket_path_, state);
}

Status ServiceNotifier::ready(std::string_view status) const {
    return notify(status.empty() ? std::string("READY=1")
                                 : fmt::format("READY=1\nSTATUS={}", status));
}

Status ServiceNotifier::stopping(std::string_view status) const {
    return notify(status.empty() ? std::string("STOPPING=1")
                                 : fmt::format("STOPPING=1\nSTATUS={}", status));
}

Status ServiceNotifier::reloading() const {
    return notify("RELOADING=1");
}

Status ServiceNotifier::status(std::string_view text) const {
    return notify(fmt::format("STATUS={}", text));
}

Status ServiceNotifier::watchdog() const {
    return notify("WATCHDOG=1");
}

WatchdogPinger::WatchdogPinger(const ServiceNotifier& notifier) {
    auto interval = notifier.watchdog_interval();
    if (!notifier.enabled() || !interval) {
        return;
    }
    thread_ = std::thread([this, notifier, period = *interval / 2] {
        std::unique_lock lock(mutex_);
        while (!stop_) {
            (void)notifier.watchdog();  // a lost ping is what the watchdog is there to notice
            wake_.wait_for(lock, period, [this] { return stop_; });
        }
    });
}

WatchdogPinger::~WatchdogPinger() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

}  // namespace cs::service

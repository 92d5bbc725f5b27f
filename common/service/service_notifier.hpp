#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/base/expected.hpp"

namespace cs::service {

// Tells the service manager how the service is doing: systemd's notification
// protocol (sd_notify(3)) on POSIX, spoken directly on the $NOTIFY_SOCKET
// datagram socket (docs/decisions.md says why not libsystemd). Without
// NOTIFY_SOCKET, e.g. run from a terminal, every call does nothing. On
// Windows the Service Control Manager gets its states elsewhere
// (agent/platform/windows) and this does nothing either.
class ServiceNotifier {
public:
    // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. The variables are
    // left in place: children started later are not ours to speak for, but
    // the agent starts none.
    static ServiceNotifier from_environment();
    // For tests: a notifier for `socket_path` ("@name" is an abstract socket).
    static ServiceNotifier for_socket(std::string socket_path,
                                      std::optional<std::chrono::microseconds> watchdog);

    bool enabled() const { return !socket_path_.empty(); }
    // The interval the manager expects WATCHDOG=1 within, when it asks for one.
    std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

    // Start-up is complete: the service does what it is for from now on.
    Status ready(std::string_view status = {}) const;
    // Shutdown has begun.
    Status stopping(std::string_view status = {}) const;
    // The configuration is being reloaded; ready() follows when done.
    Status reloading() const;
    // A free-form line shown by `systemctl status`.
    Status status(std::string_view text) const;
    Status watchdog() const;
    // Sends raw "KEY=value" lines, newline-separated.
    Status notify(std::string_view state) const;

private:
    std::string socket_path_;
    std::optional<std::chrono::microseconds> watchdog_;
};

// Sends WATCHDOG=1 at half the manager's interval from a thread of its own
// while it lives; does nothing when the manager asked for no watchdog. The
// pings prove the process is scheduled and not wedged in a lock it shares
// with them; they are not a per-job progress check.
class WatchdogPinger {
public:
    explicit WatchdogPinger(const ServiceNotifier& notifier);
    ~WatchdogPinger();
    WatchdogPinger(const WatchdogPinger&) = delete;
    WatchdogPinger& operator=(const WatchdogPinger&) = delete;

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace cs::service

#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cs::service::testing {

// Plays the service manager's side of sd_notify in tests: a datagram socket
// bound at a fresh path (or an abstract name) that collects notifications.
class NotifyListener {
public:
    explicit NotifyListener(bool abstract = false);
    ~NotifyListener();
    NotifyListener(const NotifyListener&) = delete;
    NotifyListener& operator=(const NotifyListener&) = delete;

    // The value for NOTIFY_SOCKET ("@name" when abstract).
    const std::string& address() const { return address_; }
    // The next datagram, or nothing within `timeout`.
    std::optional<std::string> next(std::chrono::milliseconds timeout);
    // Datagrams until one contains `line` (returned last), or all received
    // within `timeout` if none does.
    std::vector<std::string> until(const std::string& line, std::chrono::milliseconds timeout);

private:
    int fd_ = -1;
    std::string address_;
    std::string path_;  // a file to remove, for path sockets
};

// True when a notification has `line` as one of its lines.
bool has_line(const std::string& message, const std::string& line);

}  // namespace cs::service::testing

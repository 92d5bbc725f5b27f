#include "tests/common/service/notify_listener.hpp"

#include <atomic>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace cs::service::testing {
namespace {

std::atomic<int> g_counter{0};

}  // namespace

NotifyListener::NotifyListener(bool abstract) {
    std::string name =
        "cs-notify-" + std::to_string(::getpid()) + "-" + std::to_string(g_counter.fetch_add(1));
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        throw std::runtime_error("socket failed");
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    socklen_t length = 0;
    if (abstract) {
        address_ = "@" + name;
        std::memcpy(address.sun_path + 1, name.data(), name.size());
        length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    } else {
        path_ = (std::filesystem::temp_directory_path() / (name + ".sock")).string();
        std::filesystem::remove(path_);
        address_ = path_;
        std::memcpy(address.sun_path, path_.data(), path_.size());
        length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size() + 1);
    }
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
        ::close(fd_);
        throw std::runtime_error("bind failed: " + std::string(std::strerror(errno)));
    }
}

NotifyListener::~NotifyListener() {
    ::close(fd_);
    if (!path_.empty()) {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
}

std::optional<std::string> NotifyListener::next(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
        return std::nullopt;
    }
    char buffer[4096];
    auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0) {
        return std::nullopt;
    }
    return std::string(buffer, static_cast<std::size_t>(n));
}

std::vector<std::string> NotifyListener::until(const std::string& line,
                                               std::chrono::milliseconds timeout) {
    std::vector<std::string> out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return out;
        }
        auto message = next(left);
        if (!message) {
            return out;
        }
        out.push_back(*message);
        if (has_line(*message, line)) {
            return out;
        }
    }
}

bool has_line(const std::string& message, const std::string& line) {
    std::size_t start = 0;
    while (start <= message.size()) {
        auto end = message.find('\n', start);
        if (end == std::string::npos) {
            end = message.size();
        }
        if (message.compare(start, end - start, line) == 0) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

}  // namespace cs::service::testing

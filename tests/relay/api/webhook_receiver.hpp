#pragma once

// An HTTP server on 127.0.0.1 that answers every request 204 and keeps what
// it received, standing in for a tenant's webhook endpoint.
#include <atomic>
#include <cctype>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cs::relay::api::testing {

struct ReceivedRequest {
    std::string head;  // request line and headers
    std::string body;
    // The value of header `name` (case-insensitive), "" when absent.
    std::string header(std::string_view name) const {
        std::size_t at = head.find("\r\n");
        while (at != std::string::npos && at + 2 < head.size()) {
            auto next = head.find("\r\n", at + 2);
            auto line =
                head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
            auto colon = line.find(':');
            if (colon == name.size() &&
                std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) ==
                           std::tolower(static_cast<unsigned char>(b));
                })) {
                auto value = line.substr(colon + 1);
                return value.substr(value.find_first_not_of(' ') == std::string::npos
                                        ? value.size()
                                        : value.find_first_not_of(' '));
            }
            at = next;
        }
        return {};
    }
};

class WebhookReceiver {
public:
    WebhookReceiver() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
        socklen_t len = sizeof(addr);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        ::listen(fd_, 8);
        thread_ = std::thread([this] { serve(); });
    }
    ~WebhookReceiver() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    int port() const { return port_; }
    std::vector<ReceivedRequest> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    std::vector<std::string> bodies() {
        std::vector<std::string> out;
        for (auto& r : requests()) {
            out.push_back(r.body);
        }
        return out;
    }
    void clear() {
        std::lock_guard lock(mutex_);
        requests_.clear();
    }

private:
    void serve() {
        while (!stop_) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) {
                return;
            }
            timeval tv{5, 0};
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            std::string data;
            char buf[4096];
            // Read the headers, then Content-Length bytes of body.
            std::size_t need = std::string::npos;
            while (true) {
                auto n = ::recv(c, buf, sizeof(buf), 0);
                if (n <= 0) {
                    break;
                }
                data.append(buf, static_cast<std::size_t>(n));
                auto end = data.find("\r\n\r\n");
                if (end != std::string::npos && need == std::string::npos) {
                    auto cl = data.find("Content-Length: ");
                    need =
                        end + 4 + (cl == std::string::npos ? 0 : std::stoul(data.substr(cl + 16)));
                }
                if (need != std::string::npos && data.size() >= need) {
                    break;
                }
            }
            {
                std::lock_guard lock(mutex_);
                auto end = data.find("\r\n\r\n");
                requests_.push_back(
                    end == std::string::npos
                        ? ReceivedRequest{data, ""}
                        : ReceivedRequest{data.substr(0, end), data.substr(end + 4)});
            }
            const char reply[] = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
            (void)::send(c, reply, sizeof(reply) - 1, 0);
            ::close(c);
        }
    }

    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mutex_;
    std::vector<ReceivedRequest> requests_;
};

}  // namespace cs::relay::api::testing

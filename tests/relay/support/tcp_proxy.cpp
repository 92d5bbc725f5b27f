#include "tests/relay/support/tcp_proxy.hpp"

#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cs::relay::testing {
namespace {

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

// SO_LINGER 0: close() sends RST, like a dropped NAT entry or a pulled cable.
void reset(int fd) {
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    ::shutdown(fd, SHUT_RDWR);
}

}  // namespace

TcpProxy::TcpProxy(int upstream_port) : upstream_(upstream_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    auto a = loopback(0);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        ::listen(listen_fd_, 64) != 0) {
        throw std::runtime_error("proxy: cannot listen");
    }
    socklen_t len = sizeof(a);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
    stop_ = true;
    acceptor_.join();
    ::close(listen_fd_);
    cut_all();
    std::lock_guard lock(mutex_);
    for (auto& p : pairs_) {
        p.pump.join();
        ::close(p.client);
        ::close(p.server);
    }
}

void TcpProxy::accept_loop() {
    while (!stop_) {
        pollfd fd{listen_fd_, POLLIN, 0};
        if (::poll(&fd, 1, 100) <= 0) {
            continue;
        }
        int client = ::accept(listen_fd_, nullptr, nullptr);
        if (client < 0) {
            continue;
        }
        int server = ::socket(AF_INET, SOCK_STREAM, 0);
        auto a = loopback(upstream_);
        if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
            reset(client);
            ::close(client);
            ::close(server);
            continue;
        }
        std::lock_guard lock(mutex_);
        // Reap finished pairs so a long test does not collect threads.
        for (auto it = pairs_.begin(); it != pairs_.end();) {
            if (it->done) {
                it->pump.join();
                ::close(it->client);
                ::close(it->server);
                it = pairs_.erase(it);
            } else {
                ++it;
            }
        }
        auto& pair = pairs_.emplace_back();
        pair.client = client;
        pair.server = server;
        pair.pump = std::thread([p = &pair] { pump(p); });
    }
}

void TcpProxy::pump(Pair* p) {
    char buffer[64 * 1024];
    pollfd fds[2] = {{p->client, POLLIN, 0}, {p->server, POLLIN, 0}};
    while (true) {
        if (::poll(fds, 2, 200) < 0) {
            break;
        }
        bool closed = false;
        for (int i = 0; i < 2 && !closed; ++i) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            auto n = ::recv(fds[i].fd, buffer, sizeof(buffer), 0);
            if (n <= 0) {
                closed = true;
                break;
            }
            int to = i == 0 ? p->server : p->client;
            for (ssize_t sent = 0; sent < n;) {
                auto w =
                    ::send(to, buffer + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
                if (w <= 0) {
                    closed = true;
                    break;
                }
                sent += w;
            }
        }
        if (closed) {
            break;
        }
    }
    reset(p->client);
    reset(p->server);
    p->done = true;
}

void TcpProxy::cut_all() {
    std::lock_guard lock(mutex_);
    for (auto& p : pairs_) {
        if (!p.done) {
            reset(p.client);
            reset(p.server);
            ++cuts_;
        }
    }
}

}  // namespace cs::relay::testing

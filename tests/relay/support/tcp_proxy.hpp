#pragma once

#include <atomic>
#include <cstddef>
#include <list>
#include <mutex>
#include <thread>

namespace cs::relay::testing {

// A TCP relay on 127.0.0.1 that forwards to `upstream_port` and can cut every
// live connection at once (RST), to simulate a flaky network between agent
// and relay.
class TcpProxy {
public:
    explicit TcpProxy(int upstream_port);
    ~TcpProxy();
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    int port() const { return port_; }
    // Aborts every forwarded connection; new ones are still accepted.
    void cut_all();
    std::size_t cuts() const { return cuts_; }

private:
    struct Pair {
        int client;
        int server;
        std::thread pump;
        std::atomic<bool> done{false};
    };
    void accept_loop();
    static void pump(Pair* pair);

    int upstream_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> cuts_{0};
    std::mutex mutex_;
    std::list<Pair> pairs_;
    std::thread acceptor_;
};

}  // namespace cs::relay::testing

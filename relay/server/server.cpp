#include "relay/server/server.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <spdlog/spdlog.h>

#include "relay/server/admission.hpp"
#include "relay/server/detail/shared.hpp"

namespace cs::relay::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accepts connections; each gets its own strand, which every handler of that
// connection (HTTP and later WebSocket) runs on.
// Connections open at once, in all and per source address, with the counts
// Prometheus sees.
class ConnectionCaps {
public:
    explicit ConnectionCaps(const ServerOptions& o)
        : limiter_(o.max_connections == 0 ? SIZE_MAX : o.max_connections,
                   o.max_connections_per_address == 0 ? SIZE_MAX : o.max_connections_per_address),
          total_cap_(o.max_connections == 0 ? SIZE_MAX : o.max_connections) {
        if (o.metrics != nullptr) {
            const std::string refused = "contractsync_relay_http_connections_refused_total";
            const std::string help =
                "Connections closed on arrival because a connection cap was reached, by cap";
            open_ = &o.metrics->gauge("contractsync_relay_http_connections_open",
                                      "TLS connections open now (HTTP and agent WebSockets)");
            refused_total_ = &o.metrics->counter(refused, help, {{"cap", "max_connections"}});
            refused_address_ =
                &o.metrics->counter(refused, help, {{"cap", "max_connections_per_address"}});
        }
    }

    // The connection's slot, or null when a cap is reached (then counted).
    std::shared_ptr<void> admit(const std::string& address) {
        auto permit = limiter_.try_acquire(address);
        if (!permit) {
            bool total = limiter_.running() >= total_cap_;
            if (auto* c = total ? refused_total_ : refused_address_) {
                c->inc();
            }
            spdlog::debug("refusing a connection from {}: {} reached", address,
                          total ? "limits.max_connections" : "limits.max_connections_per_address");
            return nullptr;
        }
        if (open_ != nullptr) {
            open_->inc();
        }
        struct Slot {
            KeyedLimiter::Permit permit;
            metrics::Gauge* open;
            ~Slot() {
                if (open != nullptr) {
                    open->dec();
                }
            }
        };
        return std::make_shared<Slot>(std::move(*permit), open_);
    }

private:
    KeyedLimiter limiter_;
    std::size_t total_cap_;
    metrics::Gauge* open_ = nullptr;
    metrics::Counter* refused_total_ = nullptr;
    metrics::Counter* refused_address_ = nullptr;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, tcp::acceptor acceptor, std::shared_ptr<const SessionShared> s)
        : ioc_(ioc),
          acceptor_(std::move(acceptor)),
          shared_(std::move(s)),
          caps_(shared_->options) {}

    void run() { do_accept(); }

    void close() {
        net::post(acceptor_.get_executor(), [self = shared_from_this()] {
            boost::system::error_code ignored;
            self->acceptor_.close(ignored);
        });
    }

private:
    void do_accept() {
        acceptor_.async_accept(
            net::make_strand(ioc_),
            boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

    void on_accept(boost::system::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
            return;  // closed for shutdown
        }
        if (ec) {
            // Typically EMFILE: log and keep accepting rather than stop serving.
            spdlog::warn("accepting a connection failed: {}", ec.message());
        } else if (auto slot = caps_.admit(remote_of(socket))) {
            // Responses are written whole; without this, the last segment of
            // one over ~16 KB waits for the client's delayed ACK (~40 ms).
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            start_http_session(std::move(socket), shared_, std::move(slot));
        } else {
            // Over a cap: closed before TLS, so a flood costs no handshakes.
            boost::system::error_code ignored;
            socket.close(ignored);
        }
        do_accept();
    }

    static std::string remote_of(const tcp::socket& socket) {
        boost::system::error_code ec;
        auto endpoint = socket.remote_endpoint(ec);
        return ec ? "unknown" : endpoint.address().to_string();
    }

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    std::shared_ptr<const SessionShared> shared_;
    ConnectionCaps caps_;
};

}  // namespace

struct Server::Impl {
    ServerOptions options;
    std::shared_ptr<const Router> router;
    Lanes lanes;
    net::io_context ioc;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    std::shared_ptr<Listener> listener;
    std::shared_ptr<SessionRegistry> sessions = std::make_shared<SessionRegistry>();
    std::vector<std::thread> threads;
    std::thread grace;
    std::mutex mutex;
    std::condition_variable done;
    bool stopping = false;
    std::size_t running = 0;

    Impl(ServerOptions o, std::shared_ptr<const Router> r, Lanes l)
        : options(std::move(o)),
          router(std::move(r)),
          lanes(l),
          ioc(static_cast<int>(options.io_threads)) {}
};

Server::Server(ServerOptions options, std::shared_ptr<const Router> router, Lanes lanes)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), lanes)) {}

Server::~Server() {
    stop();
    wait();
}

Expected<int> Server::start() {
    auto& s = *impl_;
    auto tls = make_tls_context(s.options.tls);
    if (!tls) {
        return std::move(tls).error();
    }
    boost::system::error_code ec;
    auto address = net::ip::make_address(s.options.address, ec);
    if (ec) {
        return make_error(ErrorCode::invalid_argument, "listen.address: '{}' is not an IP address",
                          s.options.address);
    }
    tcp::endpoint endpoint(address, static_cast<unsigned short>(s.options.port));
    tcp::acceptor acceptor(s.ioc);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        return make_error(ErrorCode::unavailable, "listening on {}:{}: {}", s.options.address,
                          s.options.port, ec.message());
    }
    int port = acceptor.local_endpoint().port();
    auto shared = std::make_shared<SessionShared>(
        SessionShared{s.options, s.router, s.lanes, std::move(*tls), s.sessions});
    s.listener = std::make_shared<Listener>(s.ioc, std::move(acceptor), shared);
    s.listener->run();
    s.work.emplace(s.ioc.get_executor());
    s.running = s.options.io_threads;
    for (std::size_t i = 0; i < s.options.io_threads; ++i) {
        s.threads.emplace_back([this] {
            impl_->ioc.run();
            std::lock_guard lock(impl_->mutex);
            --impl_->running;
            impl_->done.notify_all();
        });
    }
    return port;
}

void Server::stop() {
    auto& s = *impl_;
    {
        std::lock_guard lock(s.mutex);
        if (s.stopping || s.threads.empty()) {
            return;
        }
        s.stopping = true;
    }
    s.listener->close();
    for (const auto& endpoint : s.router->websocket_endpoints()) {
        endpoint->shutdown();
    }
    // Idle keep-alive connections close now; requests in progress finish.
    s.sessions->stop_all();
    // Without the guard the I/O threads return once every connection is done;
    // the grace thread cuts off whatever is still running after the deadline.
    s.work.reset();
    s.grace = std::thread([this] {
        std::unique_lock lock(impl_->mutex);
        if (!impl_->done.wait_for(lock, impl_->options.shutdown_grace,
                                  [this] { return impl_->running == 0; })) {
            spdlog::warn("connections still open after {} ms; closing them",
                         impl_->options.shutdown_grace.count());
            impl_->ioc.stop();
        }
    });
}

void Server::wait() {
    auto& s = *impl_;
    for (auto& t : s.threads) {
        if (t.joinable()) {
            t.join();
        }
    }
    if (s.grace.joinable()) {
        s.grace.join();
    }
}

}  // namespace cs::relay::server

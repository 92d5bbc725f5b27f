#include "tests/tools/p21sim/server.hpp"

#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <fmt/format.h>

#include "tests/tools/p21sim/session.hpp"
#include "tests/tools/p21sim/tls_files.hpp"

namespace cs::p21sim {

using namespace detail;

namespace {

// Accepts connections and starts a session on its own strand for each.
class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, tcp::acceptor acceptor, Simulator& simulator,
             SessionLimits limits, ssl::context* tls)
        : ioc_(ioc),
          acceptor_(std::move(acceptor)),
          simulator_(simulator),
          limits_(limits),
          tls_(tls),
          backoff_(ioc) {}

    void do_accept() {
        acceptor_.async_accept(net::make_strand(ioc_),
                               beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

    void close() {
        beast::error_code ec;
        acceptor_.close(ec);
        backoff_.cancel();
    }

private:
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted) {
            return;  // closed by stop()
        }
        if (ec) {
            // Out of descriptors or similar: wait a little instead of spinning.
            spdlog::warn("accept: {}", ec.message());
            backoff_.expires_after(std::chrono::milliseconds(100));
            return backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
                if (!wait_ec) {
                    self->do_accept();
                }
            });
        }
        if (tls_ != nullptr) {
            std::make_shared<TlsSession>(std::move(socket), *tls_, simulator_, limits_)->run();
        } else {
            std::make_shared<PlainSession>(std::move(socket), simulator_, limits_)->run();
        }
        do_accept();
    }

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    Simulator& simulator_;
    SessionLimits limits_;
    ssl::context* tls_;
    net::steady_timer backoff_;
};

Expected<std::unique_ptr<ssl::context>> make_tls_context(const ServerConfig& config) {
    std::string cert = config.tls_cert;
    std::string key = config.tls_key;
    if (!config.tls_self_signed_dir.empty()) {
        auto files = write_self_signed(config.tls_self_signed_dir);
        if (!files) {
            return files.error();
        }
        cert = files->server_cert;
        key = files->server_key;
    }
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
    beast::error_code ec;
    context->use_certificate_chain_file(cert, ec);
    if (!ec) {
        context->use_private_key_file(key, ssl::context::pem, ec);
    }
    if (ec) {
        return make_error(ErrorCode::invalid_argument, "TLS: {} / {}: {}", cert, key, ec.message());
    }
    return context;
}

}  // namespace

struct Server::Impl {
    explicit Impl(int thread_count) : ioc(thread_count), signals(ioc, SIGINT, SIGTERM) {}

    net::io_context ioc;
    net::signal_set signals;
    std::unique_ptr<ssl::context> tls;
    std::shared_ptr<Listener> listener;
    std::uint16_t port = 0;
    int threads = 1;
    std::string host;
};

Expected<std::unique_ptr<Server>> Server::start(Simulator& simulator, const ServerConfig& config) {
    auto impl = std::make_unique<Impl>(config.threads);
    impl->threads = config.threads;
    impl->host = config.host;
    if (!config.tls_cert.empty() || !config.tls_self_signed_dir.empty()) {
        auto tls = make_tls_context(config);
        if (!tls) {
            return tls.error();
        }
        impl->tls = std::move(*tls);
    }
    beast::error_code ec;
    auto address = net::ip::make_address(config.host, ec);
    if (ec) {
        return make_error(ErrorCode::invalid_argument, "--listen {}: {}", config.host,
                          ec.message());
    }
    tcp::acceptor acceptor(impl->ioc);
    tcp::endpoint endpoint(address, config.port);
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
        return make_error(ErrorCode::unavailable, "listen on {}:{}: {}", config.host, config.port,
                          ec.message());
    }
    impl->port = acceptor.local_endpoint().port();
    SessionLimits limits{.read_timeout = std::chrono::seconds(config.read_timeout_s),
                         .write_timeout = std::chrono::seconds(config.write_timeout_s),
                         .log_requests = config.log_requests};
    impl->listener = std::make_shared<Listener>(impl->ioc, std::move(acceptor), simulator, limits,
                                                impl->tls.get());
    impl->listener->do_accept();
    return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

std::uint16_t Server::port() const {
    return impl_->port;
}

bool Server::tls() const {
    return impl_->tls != nullptr;
}

std::string Server::origin() const {
    bool v6 = impl_->host.find(':') != std::string::npos;
    return fmt::format("{}://{}{}{}:{}", tls() ? "https" : "http", v6 ? "[" : "", impl_->host,
                       v6 ? "]" : "", impl_->port);
}

void Server::run() {
    impl_->signals.async_wait([this](beast::error_code ec, int signal) {
        if (!ec) {
            spdlog::info("signal {}: shutting down", signal);
            stop();
        }
    });
    std::vector<std::thread> workers;
    for (int i = 1; i < impl_->threads; ++i) {
        workers.emplace_back([this] { impl_->ioc.run(); });
    }
    impl_->ioc.run();
    for (auto& worker : workers) {
        worker.join();
    }
}

void Server::stop() {
    net::post(impl_->ioc, [this] {
        impl_->listener->close();
        impl_->signals.cancel();
        impl_->ioc.stop();
    });
}

}  // namespace cs::p21sim

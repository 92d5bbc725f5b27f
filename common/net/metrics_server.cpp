#include "common/net/metrics_server.hpp"

#include <chrono>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

namespace cs::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kRequestTimeout = std::chrono::seconds(5);

// One scrape: read the request, answer, close.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, const std::function<std::string()>& render,
            const MetricsServerOptions& options)
        : stream_(std::move(socket)), render_(render), options_(options) {}

    void start() { do_read(); }

private:
    void do_read() {
        // A client that sends nothing must not hold the only thread.
        stream_.expires_after(kRequestTimeout);
        parser_.body_limit(4096);
        http::async_read(stream_, buffer_, parser_,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) {
            return;  // timeout, closed or garbage: nothing to answer
        }
        const auto& request = parser_.get();
        response_.version(request.version());
        response_.keep_alive(false);
        if (!authorized(request[http::field::authorization])) {
            response_.result(http::status::unauthorized);
            response_.set(http::field::www_authenticate, "Bearer realm=\"metrics\"");
            response_.set(http::field::content_type, "text/plain");
            response_.body() = "send the metrics bearer token\n";
        } else if (request.target() != "/metrics") {
            response_.result(http::status::not_found);
            response_.set(http::field::content_type, "text/plain");
            response_.body() = "only /metrics is served here\n";
        } else if (request.method() != http::verb::get && request.method() != http::verb::head) {
            response_.result(http::status::method_not_allowed);
            response_.set(http::field::allow, "GET, HEAD");
        } else {
            response_.result(http::status::ok);
            response_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            response_.body() = render_();
        }
        response_.prepare_payload();
        if (request.method() == http::verb::head) {
            response_.body().clear();
        }
        do_write();
    }

    bool authorized(std::string_view header) const {
        const std::string& token = options_.bearer_token;
        if (token.empty()) {
            return true;
        }
        constexpr std::string_view kScheme = "Bearer ";
        if (header.size() != kScheme.size() + token.size() || !header.starts_with(kScheme)) {
            return false;
        }
        return CRYPTO_memcmp(header.data() + kScheme.size(), token.data(), token.size()) == 0;
    }

    void do_write() {
        stream_.expires_after(kRequestTimeout);
        http::async_write(stream_, response_,
                          beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code, std::size_t) {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    const std::function<std::string()>& render_;
    const MetricsServerOptions& options_;
    beast::flat_buffer buffer_;
    http::request_parser<http::empty_body> parser_;
    http::response<http::string_body> response_;
};

class AsioMetricsServer final : public MetricsServer {
public:
    AsioMetricsServer(std::function<std::string()> render, MetricsServerOptions options)
        : render_(std::move(render)), options_(std::move(options)) {}

    ~AsioMetricsServer() override {
        io_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    Status listen(const std::string& host, std::uint16_t port) {
        beast::error_code ec;
        auto address = asio::ip::make_address(host, ec);
        if (ec) {
            return make_error(ErrorCode::invalid_argument, "metrics: {} is not an address", host);
        }
        tcp::endpoint endpoint(address, port);
        acceptor_.open(endpoint.protocol(), ec);
        if (!ec) {
            acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
            acceptor_.bind(endpoint, ec);
        }
        if (!ec) {
            acceptor_.listen(asio::socket_base::max_listen_connections, ec);
        }
        if (ec) {
            return make_error(ErrorCode::io_error, "metrics: cannot listen on {}:{}: {}", host,
                              port, ec.message());
        }
        port_ = acceptor_.local_endpoint().port();
        do_accept();
        thread_ = std::thread([this] { io_.run(); });
        return ok();
    }

    std::uint16_t port() const override { return port_; }

private:
    void do_accept() {
        acceptor_.async_accept(
            asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
                if (ec == asio::error::operation_aborted) {
                    return;  // stopping
                }
                if (!ec) {
                    // A scrape is one response, often over 16 KB: send it
                    // without waiting for the scraper's delayed ACK.
                    beast::error_code ignored;
                    socket.set_option(tcp::no_delay(true), ignored);
                    std::make_shared<Session>(std::move(socket), render_, options_)->start();
                } else {
                    spdlog::debug("metrics: accept failed: {}", ec.message());
                }
                do_accept();
            });
    }

    std::function<std::string()> render_;
    MetricsServerOptions options_;
    asio::io_context io_{1};
    tcp::acceptor acceptor_{io_};
    std::uint16_t port_ = 0;
    std::thread thread_;
};

}  // namespace

Expected<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& host,
                                                              std::uint16_t port,
                                                              std::function<std::string()> render,
                                                              MetricsServerOptions options) {
    auto server = std::make_unique<AsioMetricsServer>(std::move(render), std::move(options));
    if (auto st = server->listen(host, port); !st) {
        return std::move(st).error();
    }
    return std::unique_ptr<MetricsServer>(std::move(server));
}

Expected<HostPort> parse_host_port(std::string_view text, std::string_view what) {
    auto colon = text.rfind(':');
    std::string host(colon == std::string_view::npos ? "" : text.substr(0, colon));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    std::string_view port_text = colon == std::string_view::npos ? "" : text.substr(colon + 1);
    if (port_text.empty() || port_text.size() > 5 ||
        port_text.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(port_text)) > 65535) {
        return make_error(ErrorCode::invalid_argument,
                          "{}: '{}' must be address:port, e.g. 127.0.0.1:9464", what, text);
    }
    if (host == "localhost") {
        host = "127.0.0.1";
    }
    beast::error_code ec;
    asio::ip::make_address(host, ec);
    if (ec) {
        return make_error(ErrorCode::invalid_argument, "{}: '{}' is not an IP address", what, host);
    }
    return HostPort{host, static_cast<std::uint16_t>(std::stoi(std::string(port_text)))};
}

bool is_loopback(std::string_view address) {
    beast::error_code ec;
    auto a = asio::ip::make_address(std::string(address), ec);
    return !ec && a.is_loopback();
}

}  // namespace cs::net

// One TLS connection serving HTTP requests until it closes or upgrades to a
// WebSocket. Every step has a deadline; request headers and bodies have limits.
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "common/version/version.hpp"
#include "relay/server/detail/handoff.hpp"
#include "relay/server/detail/shared.hpp"

namespace cs::relay::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

// The SSL "short read" and a closed socket are how clients usually leave.
bool harmless(const beast::error_code& ec) {
    return ec == net::error::operation_aborted || ec == beast::error::timeout ||
           ec == net::ssl::error::stream_truncated || ec == http::error::end_of_stream ||
           ec == net::error::eof || ec == net::error::connection_reset;
}

HttpRequest to_request(const BeastRequest& req, const std::string& remote) {
    HttpRequest out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    auto [path, query] = split_target(out.target);
    out.path = std::move(path);
    out.query = std::move(query);
    for (const auto& field : req) {
        std::string name(field.name_string());
        for (auto& c : name) {
            c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
        }
        out.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    out.body = req.body();
    out.remote_address = remote;
    return out;
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(net::ip::tcp::socket socket, std::shared_ptr<const SessionShared> shared)
        : stream_(std::move(socket), *shared->tls), shared_(std::move(shared)) {
        beast::error_code ec;
        auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        remote_ = ec ? "unknown" : endpoint.address().to_string();
    }

    ~HttpSession() {
        if (registration_ != 0) {
            shared_->sessions->remove(registration_);
        }
    }

    void run() {
        // A stopping server still closes this connection at once; the stop
        // action holds the session only weakly, so it never keeps it alive.
        std::weak_ptr<HttpSession> weak = shared_from_this();
        registration_ = shared_->sessions->add([weak, executor = stream_.get_executor()] {
            if (auto self = weak.lock()) {
                net::post(executor, [self] { self->on_server_stop(); });
            }
        });
        if (registration_ == 0) {
            return;  // the server stopped while this connection was accepted
        }
        // Start on the connection's strand: every handler after this runs there.
        net::dispatch(stream_.get_executor(),
                      beast::bind_front_handler(&HttpSession::do_handshake, shared_from_this()));
    }

private:
    // The server is stopping: a connection waiting for its next request is
    // closed now; one with a request in progress answers it with
    // "Connection: close" and then closes.
    void on_server_stop() {
        server_stopping_ = true;
        if (!busy_ && !upgraded_) {
            beast::error_code ignored;
            beast::get_lowest_layer(stream_).socket().close(ignored);
        }
    }

    void do_handshake() {
        beast::get_lowest_layer(stream_).expires_after(shared_->options.tls_handshake);
        stream_.async_handshake(
            net::ssl::stream_base::server,
            beast::bind_front_handler(&HttpSession::on_handshake, shared_from_this()));
    }

    void on_handshake(beast::error_code ec) {
        if (ec) {
            // Port scanners and health probes that speak plain TCP end up here.
            spdlog::debug("tls handshake with {} failed: {}", remote_, ec.message());
            return;
        }
        do_read();
    }

    void do_read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(shared_->options.max_header_bytes));
        parser_->body_limit(shared_->options.max_body_bytes);
        // The first request must arrive promptly; later ones may idle a while.
        beast::get_lowest_layer(stream_).expires_after(
            first_request_ ? shared_->options.http_request : shared_->options.http_idle);
        first_request_ = false;
        // The header first: a route may allow a larger body (uploads).
        http::async_read_header(
            stream_, buffer_, *parser_,
            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t bytes) {
        if (ec) {
            return on_read(ec, bytes);
        }
        busy_ = true;
        const auto& header = parser_->get();
        auto [path, query] = split_target(std::string_view(header.target()));
        int status = 404;
        const auto* route =
            shared_->router->find(std::string_view(header.method_string()), path, status);
        if (route != nullptr && route->max_body_bytes > shared_->options.max_body_bytes) {
            parser_->body_limit(route->max_body_bytes);
        }
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::header_limit) {
            return send(HttpResponse::error(431, "request header fields too large"), false);
        }
        if (ec == http::error::body_limit) {
            return send(HttpResponse::error(413, "request body too large"), false);
        }
        if (ec) {
            if (!harmless(ec)) {
                spdlog::debug("reading a request from {} failed: {}", remote_, ec.message());
            }
            return do_close();
        }
        request_ = parser_->release();
        keep_alive_ = request_.keep_alive();
        auto request = to_request(request_, remote_);
        if (beast::websocket::is_upgrade(request_)) {
            return on_upgrade_request(std::move(request));
        }
        int status = 404;
        const auto* route = shared_->router->find(request.method, request.path, status);
        if (route == nullptr) {
            return send(
                HttpResponse::error(status, status == 404 ? "not found" : "method not allowed"),
                keep_alive_);
        }
        if (route->execution == Execution::inline_io) {
            return send(route->handler(request), keep_alive_);
        }
        // Blocking handlers run on their lane; the response comes back to the strand.
        beast::get_lowest_layer(stream_).expires_never();
        auto executor = stream_.get_executor();
        auto* lane = route->execution == Execution::probe ? shared_->lanes.probe
                                                          : shared_->lanes.interactive;
        lane->post([self = shared_from_this(), route, executor, request = std::move(request)]() {
            auto response = route->handler(request);
            net::post(executor, [self, response = std::move(response)]() mutable {
                self->send(std::move(response), self->keep_alive_);
            });
        });
    }

    void on_upgrade_request(HttpRequest request) {
        auto endpoint = shared_->router->websocket(request.path);
        if (!endpoint) {
            return send(HttpResponse::error(404, "no WebSocket endpoint at this path"), false);
        }
        beast::get_lowest_layer(stream_).expires_never();
        auto executor = stream_.get_executor();
        shared_->lanes.upgrades->post(
            [self = shared_from_this(), endpoint, executor, request = std::move(request)]() {
                std::shared_ptr<UpgradeContext> context;
                auto refusal = endpoint->authorize(request, context);
                net::post(executor, [self, endpoint, refusal = std::move(refusal),
                                     context = std::move(context)]() mutable {
                    if (refusal) {
                        return self->send(std::move(*refusal), false);
                    }
                    if (self->server_stopping_) {
                        return self->send(HttpResponse::error(503, "the relay is shutting down"),
                                          false);
                    }
                    self->upgraded_ = true;  // the stream moves to the WebSocket session
                    auto impl = std::make_unique<UpgradeHandoff::Impl>(UpgradeHandoff::Impl{
                        std::move(self->stream_), std::move(self->request_), self->remote_});
                    endpoint->start(UpgradeHandoff(std::move(impl)), std::move(context));
                });
            });
    }

    void send(HttpResponse response, bool keep_alive) {
        auto res = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(response.status), request_.version());
        res->set(http::field::server, "contractsync-relay/" + std::string(cs::version()));
        res->set(http::field::content_type, response.content_type);
        res->set(http::field::cache_control, "no-store");
        for (const auto& [name, value] : response.headers) {
            res->set(name, value);
        }
        keep_alive = keep_alive && !server_stopping_;
        res->keep_alive(keep_alive);
        if (request_.method() != http::verb::head) {
            res->body() = std::move(response.body);
        }
        res->prepare_payload();
        response_ = res;
        beast::get_lowest_layer(stream_).expires_after(shared_->options.http_request);
        http::async_write(
            stream_, *res,
            beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), !keep_alive));
    }

    void on_write(bool close, beast::error_code ec, std::size_t) {
        busy_ = false;
        if (ec) {
            if (!harmless(ec)) {
                spdlog::debug("writing a response to {} failed: {}", remote_, ec.message());
            }
            return;
        }
        response_.reset();
        if (close) {
            return do_close();
        }
        do_read();
    }

    void do_close() {
        // A bounded TLS close_notify; the socket closes when the session is freed.
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
        stream_.async_shutdown(
            beast::bind_front_handler(&HttpSession::on_shutdown, shared_from_this()));
    }

    void on_shutdown(beast::error_code) {}

    TlsStream stream_;
    std::shared_ptr<const SessionShared> shared_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    BeastRequest request_;
    std::shared_ptr<http::response<http::string_body>> response_;
    std::string remote_;
    bool keep_alive_ = false;
    bool first_request_ = true;
    bool busy_ = false;  // from a request's header until its response is written
    bool server_stopping_ = false;
    bool upgraded_ = false;
    std::uint64_t registration_ = 0;
};

}  // namespace

std::uint64_t SessionRegistry::add(std::function<void()> stop) {
    std::lock_guard lock(mutex_);
    if (stopping_) {
        return 0;
    }
    auto id = next_++;
    sessions_.emplace(id, std::move(stop));
    return id;
}

void SessionRegistry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
}

void SessionRegistry::stop_all() {
    std::unordered_map<std::uint64_t, std::function<void()>> live;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        live.swap(sessions_);
    }
    for (auto& [id, stop] : live) {
        stop();
    }
}

UpgradeHandoff::UpgradeHandoff(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UpgradeHandoff::UpgradeHandoff(UpgradeHandoff&&) noexcept = default;
UpgradeHandoff& UpgradeHandoff::operator=(UpgradeHandoff&&) noexcept = default;
UpgradeHandoff::~UpgradeHandoff() = default;

void start_http_session(net::ip::tcp::socket socket, std::shared_ptr<const SessionShared> shared) {
    std::make_shared<HttpSession>(std::move(socket), std::move(shared))->run();
}

}  // namespace cs::relay::server

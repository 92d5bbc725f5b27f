// One TLS connection serving HTTP requests until it closes or upgrades to a
// WebSocket. Every step has a deadline; request headers and bodies have limits.
// Upload routes are admitted on their header (credentials checked before any
// of the body is read) and stream their body to disk, never into memory.
#include <array>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "relay/server/detail/handoff.hpp"
#include "relay/server/detail/shared.hpp"
#include "relay/server/detail/staged_body.hpp"

namespace cs::relay::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

// How long a refused request's connection keeps draining what the client is
// still sending, so that it reads the refusal instead of a reset.
constexpr auto kLinger = std::chrono::seconds(2);

// The SSL "short read" and a closed socket are how clients usually leave.
bool harmless(const beast::error_code& ec) {
    return ec == net::error::operation_aborted || ec == beast::error::timeout ||
           ec == net::ssl::error::stream_truncated || ec == http::error::end_of_stream ||
           ec == net::error::eof || ec == net::error::connection_reset;
}

// The header as handlers see it; the body is moved in, never copied.
HttpRequest to_request(const http::request_header<>& req, std::string body,
                       const std::string& remote) {
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
    out.body = std::move(body);
    out.remote_address = remote;
    return out;
}

// What happens once a response is written.
enum class After { next_request, close, linger };

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(net::ip::tcp::socket socket, std::shared_ptr<const SessionShared> shared,
                std::shared_ptr<void> slot)
        : stream_(std::move(socket), *shared->tls),
          shared_(std::move(shared)),
          slot_(std::move(slot)) {
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
        // No body limit while the header is parsed: the limit depends on the
        // route, and a Content-Length over it is answered in on_header.
        parser_->body_limit(boost::none);
        // The first request must arrive promptly; later ones may idle a while.
        beast::get_lowest_layer(stream_).expires_after(
            first_request_ ? shared_->options.http_request : shared_->options.http_idle);
        first_request_ = false;
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
        version_ = header.version();
        head_ = header.method() == http::verb::head;
        keep_alive_ = header.keep_alive();
        auto [path, query] = split_target(std::string_view(header.target()));
        route_ =
            shared_->router->find(std::string_view(header.method_string()), path, route_status_);
        const UploadOptions* upload =
            route_ != nullptr && route_->upload ? &*route_->upload : nullptr;
        limit_ = upload != nullptr ? upload->max_body_bytes : shared_->options.max_body_bytes;
        limit_setting_ =
            upload != nullptr ? upload->limit_setting : shared_->options.max_body_setting;
        body_kind_ = upload != nullptr ? "upload" : "request body";
        if (auto length = parser_->content_length(); length && *length > limit_) {
            return refuse(body_too_large(body_kind_, *length, limit_, limit_setting_));
        }
        parser_->body_limit(limit_);
        if (upload != nullptr && !beast::websocket::is_upgrade(header)) {
            return do_admit();
        }
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
    }

    // An upload route: its admission check (credentials, role, CSRF) sees the
    // header alone, on the interactive lane; the body waits unread meanwhile.
    void do_admit() {
        auto request = std::make_shared<HttpRequest>(to_request(parser_->get(), {}, remote_));
        beast::get_lowest_layer(stream_).expires_never();
        auto executor = stream_.get_executor();
        shared_->lanes.interactive->post(
            [self = shared_from_this(), route = route_, executor, request]() {
                auto refusal = route->upload->admit ? route->upload->admit(*request)
                                                    : std::optional<HttpResponse>();
                net::post(executor, [self, request, refusal = std::move(refusal)]() mutable {
                    self->on_admitted(std::move(refusal), std::move(request));
                });
            });
    }

    void on_admitted(std::optional<HttpResponse> refusal, std::shared_ptr<HttpRequest> request) {
        if (refusal) {
            return refuse(std::move(*refusal));
        }
        if (server_stopping_) {
            return refuse(HttpResponse::error(503, "the relay is shutting down"));
        }
        auto* spool = route_->upload->spool;
        if (spool == nullptr) {
            beast::get_lowest_layer(stream_).expires_after(shared_->options.http_request);
            return http::async_read(
                stream_, buffer_, *parser_,
                beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
        }
        auto writer = spool->stage(limit_);
        if (!writer) {
            spdlog::warn("staging an upload from {}: {}", remote_, writer.error().message);
            return refuse(HttpResponse::error(503, "the relay cannot store uploads right now"));
        }
        bool expects_continue = beast::iequals(parser_->get()[http::field::expect], "100-continue");
        // The header parsed so far continues as a parser whose body goes to disk.
        upload_parser_.emplace(std::move(*parser_));
        parser_.reset();
        upload_parser_->body_limit(limit_);
        upload_parser_->get().body().writer = std::move(*writer);
        upload_request_ = std::move(*request);
        upload_deadline_ = std::chrono::steady_clock::now() + shared_->options.http_upload;
        if (expects_continue) {
            return do_continue();
        }
        do_upload_read();
    }

    // The client waits for this before it sends the body (curl does for large ones).
    void do_continue() {
        auto interim =
            std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
        beast::get_lowest_layer(stream_).expires_after(shared_->options.http_request);
        http::async_write(stream_, *interim,
                          [self = shared_from_this(), interim](beast::error_code ec, std::size_t) {
                              if (ec) {
                                  return self->do_close();
                              }
                              self->do_upload_read();
                          });
    }

    // One read at a time, each within http_request, all within http_upload.
    void do_upload_read() {
        auto left = upload_deadline_ - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) {
            spdlog::debug("an upload from {} took longer than {} ms", remote_,
                          shared_->options.http_upload.count());
            return do_close();
        }
        beast::get_lowest_layer(stream_).expires_after(
            std::min<std::chrono::steady_clock::duration>(left, shared_->options.http_request));
        http::async_read_some(
            stream_, buffer_, *upload_parser_,
            beast::bind_front_handler(&HttpSession::on_upload_read, shared_from_this()));
    }

    void on_upload_read(beast::error_code ec, std::size_t) {
        auto& body = upload_parser_->get().body();
        if (ec == http::error::body_limit) {
            return refuse(body_too_large(body_kind_, std::nullopt, limit_, limit_setting_));
        }
        if (ec && body.failure) {
            spdlog::warn("storing an upload from {}: {}", remote_, body.failure->message);
            return refuse(HttpResponse::error(503, "the relay could not store the upload"));
        }
        if (ec) {
            if (!harmless(ec)) {
                spdlog::debug("reading an upload from {} failed: {}", remote_, ec.message());
            }
            return do_close();  // the staged part goes with the parser
        }
        if (!upload_parser_->is_done()) {
            return do_upload_read();
        }
        keep_alive_ = upload_parser_->get().keep_alive();
        auto request = std::move(*upload_request_);
        upload_request_.reset();
        request.upload = std::make_shared<storage::StagedFile>(std::move(*body.file));
        upload_parser_.reset();
        run_route(std::move(request));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::header_limit) {
            return refuse(HttpResponse::error(431, "request header fields too large"));
        }
        if (ec == http::error::body_limit) {
            return refuse(body_too_large(body_kind_, std::nullopt, limit_, limit_setting_));
        }
        if (ec) {
            if (!harmless(ec)) {
                spdlog::debug("reading a request from {} failed: {}", remote_, ec.message());
            }
            return do_close();
        }
        request_ = parser_->release();
        keep_alive_ = request_.keep_alive();
        if (beast::websocket::is_upgrade(request_)) {
            return on_upgrade_request(to_request(request_, {}, remote_));
        }
        auto request = to_request(request_, std::move(request_.body()), remote_);
        if (route_ == nullptr) {
            return send(
                HttpResponse::error(route_status_,
                                    route_status_ == 404 ? "not found" : "method not allowed"),
                keep_alive_);
        }
        run_route(std::move(request));
    }

    void run_route(HttpRequest request) {
        const auto* route = route_;
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
                    auto impl = std::make_unique<UpgradeHandoff::Impl>(
                        UpgradeHandoff::Impl{std::move(self->stream_), std::move(self->request_),
                                             self->remote_, std::move(self->slot_)});
                    endpoint->start(UpgradeHandoff(std::move(impl)), std::move(context));
                });
            });
    }

    // A refusal sent before the request's body was read: the connection closes
    // after it, draining for a moment so the client sees it rather than a reset.
    void refuse(HttpResponse response) {
        upload_parser_.reset();  // what was staged of a refused upload goes now
        upload_request_.reset();
        send(std::move(response), false, After::linger);
    }

    void send(HttpResponse response, bool keep_alive, After after = After::next_request) {
        auto res = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(response.status), version_);
        // The product, not the build: a version tells an attacker what to try.
        res->set(http::field::server, "contractsync-relay");
        res->set(http::field::content_type, response.content_type);
        res->set(http::field::cache_control, "no-store");
        if (shared_->options.hsts_max_age.count() > 0) {
            res->set(http::field::strict_transport_security,
                     "max-age=" + std::to_string(shared_->options.hsts_max_age.count()));
        }
        for (const auto& [name, value] : response.headers) {
            res->set(name, value);
        }
        keep_alive = keep_alive && !server_stopping_;
        res->keep_alive(keep_alive);
        if (!head_) {
            res->body() = std::move(response.body);
        }
        res->prepare_payload();
        response_ = res;
        if (!keep_alive && after == After::next_request) {
            after = After::close;
        }
        beast::get_lowest_layer(stream_).expires_after(shared_->options.http_request);
        http::async_write(
            stream_, *res,
            beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), after));
    }

    void on_write(After after, beast::error_code ec, std::size_t) {
        busy_ = false;
        if (ec) {
            if (!harmless(ec)) {
                spdlog::debug("writing a response to {} failed: {}", remote_, ec.message());
            }
            return;
        }
        response_.reset();
        switch (after) {
            case After::next_request:
                return do_read();
            case After::close:
                return do_close();
            case After::linger:
                return do_linger();
        }
    }

    void do_close() {
        // A bounded TLS close_notify; the socket closes when the session is freed.
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
        stream_.async_shutdown(
            beast::bind_front_handler(&HttpSession::on_shutdown, shared_from_this()));
    }

    void on_shutdown(beast::error_code) {}

    // The response is out; no more is sent (FIN), and what still arrives is
    // discarded unread, below TLS, until the client stops or kLinger passes.
    // Closing at once with unread bytes would reset the connection, and many
    // clients (browsers among them) then lose the response they were sent.
    void do_linger() {
        auto& tcp = beast::get_lowest_layer(stream_);
        beast::error_code ignored;
        tcp.socket().shutdown(net::socket_base::shutdown_send, ignored);
        drain_ = std::make_unique<std::array<char, 16 * 1024>>();
        tcp.expires_after(kLinger);
        do_drain();
    }

    void do_drain() {
        beast::get_lowest_layer(stream_).async_read_some(
            net::buffer(*drain_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (!ec) {
                    self->do_drain();
                }
                // eof, the deadline or an error: the socket closes with the session.
            });
    }

    TlsStream stream_;
    std::shared_ptr<const SessionShared> shared_;
    std::shared_ptr<void> slot_;  // this connection's place under the connection caps
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::request_parser<StagedBody>> upload_parser_;
    std::optional<HttpRequest> upload_request_;  // the header of the upload being read
    std::chrono::steady_clock::time_point upload_deadline_;
    BeastRequest request_;
    std::shared_ptr<http::response<http::string_body>> response_;
    std::unique_ptr<std::array<char, 16 * 1024>> drain_;
    std::string remote_;
    // The request being read: its route, and the body limit that applies.
    const Router::Route* route_ = nullptr;
    int route_status_ = 404;
    std::uint64_t limit_ = 0;
    std::string limit_setting_;
    std::string_view body_kind_ = "request body";
    unsigned version_ = 11;
    bool head_ = false;
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

void start_http_session(net::ip::tcp::socket socket, std::shared_ptr<const SessionShared> shared,
                        std::shared_ptr<void> slot) {
    std::make_shared<HttpSession>(std::move(socket), std::move(shared), std::move(slot))->run();
}

}  // namespace cs::relay::server

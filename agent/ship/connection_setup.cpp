// Connection setup: DNS, TCP, the optional HTTP CONNECT tunnel, TLS and the
// WebSocket upgrade. Each step has its own timeout and its own error wording,
// so a failure says which hop broke and why.
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "agent/ship/connection.hpp"
#include "agent/ship/tls_context.hpp"

namespace cs::agent::ship {
namespace {

std::string seconds(std::chrono::milliseconds d) {
    return fmt::format("{} s", std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

// The first word of a Proxy-Authenticate header: Basic, NTLM, Negotiate...
std::string auth_scheme(std::string_view header) {
    auto end = header.find(' ');
    return std::string(header.substr(0, end));
}

}  // namespace

Connection::Connection(Strand strand, net::ssl::context& tls, ConnectPlan plan, SessionEnv& env,
                       Done done)
    : strand_(strand),
      tls_(tls),
      plan_(std::move(plan)),
      env_(env),
      done_(std::move(done)),
      started_(std::chrono::steady_clock::now()),
      resolver_(strand_),
      step_timer_(strand_),
      tick_timer_(strand_),
      heartbeat_timer_(strand_),
      protocol_(env_, *this) {
    if (plan_.relay.tls) {
        ws_.emplace<TlsSocket>(strand_, tls_);
    } else {
        ws_.emplace<PlainSocket>(strand_);
    }
}

Connection::~Connection() = default;

beast::tcp_stream& Connection::tcp_layer() {
    beast::tcp_stream* layer = nullptr;
    with_ws([&](auto& ws) { layer = &beast::get_lowest_layer(ws); });
    return *layer;
}

void Connection::run() {
    do_resolve();
}

void Connection::shutdown() {
    if (finished_) {
        return;
    }
    shutting_down_ = true;
    if (session_open_) {
        close(1000, "agent shutting down");
        return;
    }
    finish(LinkFailure::none, "stopped");
}

void Connection::do_resolve() {
    const std::string& host = plan_.proxy ? plan_.proxy->host : plan_.relay.host;
    std::uint16_t port = plan_.proxy ? plan_.proxy->port : plan_.relay.port;
    // The resolver has no timeout of its own; this timer ends a stuck lookup.
    step_timer_.expires_after(plan_.connect_timeout);
    step_timer_.async_wait(
        beast::bind_front_handler(&Connection::on_resolve_timeout, shared_from_this()));
    resolver_.async_resolve(host, std::to_string(port),
                            beast::bind_front_handler(&Connection::on_resolve, shared_from_this()));
}

void Connection::on_resolve_timeout(beast::error_code ec) {
    if (ec == net::error::operation_aborted || finished_) {
        return;  // the lookup finished first
    }
    finish(plan_.proxy ? LinkFailure::proxy : LinkFailure::network,
           fmt::format("cannot resolve {}: no answer within {}",
                       plan_.proxy ? plan_.proxy->host : plan_.relay.host,
                       seconds(plan_.connect_timeout)));
}

void Connection::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (finished_) {
        return;  // timed out or stopped meanwhile
    }
    step_timer_.cancel();
    if (ec) {
        finish(
            plan_.proxy ? LinkFailure::proxy : LinkFailure::network,
            plan_.proxy
                ? fmt::format("cannot resolve proxy {}: {}", plan_.proxy->describe(), ec.message())
                : fmt::format("cannot resolve relay host {}: {}", plan_.relay.host, ec.message()));
        return;
    }
    do_connect(results);
}

void Connection::do_connect(const tcp::resolver::results_type& results) {
    // Tries each address in turn within one deadline.
    tcp_layer().expires_after(plan_.connect_timeout);
    tcp_layer().async_connect(
        results, beast::bind_front_handler(&Connection::on_connect, shared_from_this()));
}

void Connection::on_connect(beast::error_code ec, const tcp::endpoint& endpoint) {
    if (finished_) {
        return;
    }
    if (ec) {
        std::string why = ec == beast::error::timeout
                              ? "no answer within " + seconds(plan_.connect_timeout)
                              : ec.message();
        finish(plan_.proxy ? LinkFailure::proxy : LinkFailure::network,
               plan_.proxy
                   ? fmt::format("cannot connect to proxy {}: {}", plan_.proxy->describe(), why)
                   : fmt::format("cannot connect to relay {}: {}", plan_.relay.authority(), why));
        return;
    }
    spdlog::debug("connected to {} {}", plan_.proxy ? "proxy" : "relay",
                  join_host_port(endpoint.address().to_string(), endpoint.port()));
    // Acks, heartbeats and the last frame of a change set go out at once,
    // not after the relay's delayed ACK of the segment before them.
    beast::error_code ignored;
    tcp_layer().socket().set_option(tcp::no_delay(true), ignored);
    if (plan_.proxy) {
        do_proxy_connect();
    } else if (plan_.relay.tls) {
        do_tls_handshake();
    } else {
        do_upgrade();
    }
}

void Connection::do_proxy_connect() {
    // CONNECT host:port opens a byte tunnel; TLS then runs end to end through
    // it, so the proxy never sees the site key.
    proxy_request_ = {};
    proxy_request_.method(http::verb::connect);
    proxy_request_.target(plan_.relay.authority());
    proxy_request_.version(11);
    proxy_request_.set(http::field::host, plan_.relay.authority());
    proxy_request_.set(http::field::user_agent, plan_.user_agent);
    if (auto auth = plan_.proxy->authorization(); !auth.empty()) {
        proxy_request_.set(http::field::proxy_authorization, auth);
    }
    tcp_layer().expires_after(plan_.connect_timeout);
    http::async_write(tcp_layer(), proxy_request_,
                      beast::bind_front_handler(&Connection::on_proxy_write, shared_from_this()));
}

void Connection::on_proxy_write(beast::error_code ec, std::size_t) {
    if (finished_) {
        return;
    }
    if (ec) {
        finish(LinkFailure::proxy, fmt::format("proxy {}: sending CONNECT failed: {}",
                                               plan_.proxy->describe(), ec.message()));
        return;
    }
    proxy_parser_.emplace();
    // A 2xx answer to CONNECT has no body whatever its headers say: the tunnel
    // starts right after the header.
    proxy_parser_->skip(true);
    proxy_parser_->header_limit(16 * 1024);
    http::async_read(tcp_layer(), proxy_buffer_, *proxy_parser_,
                     beast::bind_front_handler(&Connection::on_proxy_read, shared_from_this()));
}

void Connection::on_proxy_read(beast::error_code ec, std::size_t) {
    if (finished_) {
        return;
    }
    const auto proxy = plan_.proxy->describe();
    if (ec) {
        finish(LinkFailure::proxy,
               fmt::format("proxy {}: no valid answer to CONNECT {}: {}", proxy,
                           plan_.relay.authority(),
                           ec == beast::error::timeout
                               ? "no answer within " + seconds(plan_.connect_timeout)
                               : ec.message()));
        return;
    }
    const auto& res = proxy_parser_->get();
    unsigned status = res.result_int();
    if (status == 407) {
        auto wanted = auth_scheme(res[http::field::proxy_authenticate]);
        std::string asks = wanted.empty() ? "" : fmt::format("; it asks for {}", wanted);
        finish(LinkFailure::proxy_auth,
               plan_.proxy->username.empty()
                   ? fmt::format("proxy {} requires authentication (407){}; give the user in "
                                 "relay.proxy (http://user@host:port) and the password as a secret",
                                 proxy, asks)
                   : fmt::format("proxy {} refused the credentials of user '{}' (407){}", proxy,
                                 plan_.proxy->username, asks));
        return;
    }
    if (status < 200 || status > 299) {
        finish(LinkFailure::proxy,
               fmt::format("proxy {} refused CONNECT {}: {} {}", proxy, plan_.relay.authority(),
                           status, std::string(res.reason())));
        return;
    }
    if (proxy_buffer_.size() != 0) {
        finish(LinkFailure::proxy,
               fmt::format("proxy {} sent data after its CONNECT answer", proxy));
        return;
    }
    spdlog::debug("proxy {} opened a tunnel to {}", proxy, plan_.relay.authority());
    if (plan_.relay.tls) {
        do_tls_handshake();
    } else {
        do_upgrade();
    }
}

void Connection::do_tls_handshake() {
    auto& ws = std::get<TlsSocket>(ws_);
    if (auto st = prepare_tls_session(ws.next_layer().native_handle(), plan_.relay); !st) {
        finish(LinkFailure::tls, st.error().message);
        return;
    }
    tcp_layer().expires_after(plan_.connect_timeout);
    ws.next_layer().async_handshake(
        net::ssl::stream_base::client,
        beast::bind_front_handler(&Connection::on_tls_handshake, shared_from_this()));
}

void Connection::on_tls_handshake(beast::error_code ec) {
    if (finished_) {
        return;
    }
    if (ec) {
        auto& ws = std::get<TlsSocket>(ws_);
        if (auto problem = certificate_problem(ws.next_layer().native_handle())) {
            finish(LinkFailure::tls,
                   fmt::format("relay certificate for {} not accepted: {} (trusted: the system CA "
                               "store{})",
                               plan_.relay.host, *problem,
                               env_.options.ca_file.empty()
                                   ? ""
                                   : " and relay.ca_file " + env_.options.ca_file.string()));
        } else {
            finish(LinkFailure::network,
                   fmt::format("TLS handshake with {} failed: {}", plan_.relay.authority(),
                               ec == beast::error::timeout
                                   ? "no answer within " + seconds(plan_.connect_timeout)
                                   : ec.message()));
        }
        return;
    }
    do_upgrade();
}

void Connection::do_upgrade() {
    // From here on the WebSocket's own timeouts apply.
    tcp_layer().expires_never();
    with_ws([this](auto& ws) {
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        timeouts.handshake_timeout = plan_.handshake_timeout;
        ws.set_option(timeouts);
        ws.set_option(websocket::stream_base::decorator(
            [key = plan_.site_key, agent = plan_.user_agent](websocket::request_type& req) {
                req.set(http::field::authorization, "Bearer " + key);
                req.set(http::field::user_agent, agent);
            }));
        // Change sets are already zstd-compressed: permessage-deflate stays off.
        // The size of incoming messages is checked by the read loop itself
        // (connection_io.cpp), which can close with 1009 cleanly.
        ws.read_message_max(0);
        ws.auto_fragment(false);
        ws.async_handshake(upgrade_response_, plan_.relay.host_header(), plan_.relay.target,
                           beast::bind_front_handler(&Connection::on_upgrade, shared_from_this()));
    });
}

std::string Connection::upgrade_refusal() const {
    std::string detail;
    const auto& body = upgrade_response_.body();
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object() && json.contains("error") && json["error"].is_string()) {
        detail = json["error"].get<std::string>().substr(0, 300);
    }
    return fmt::format("{} {}{}{}", upgrade_response_.result_int(),
                       std::string(upgrade_response_.reason()), detail.empty() ? "" : ": ", detail);
}

void Connection::on_upgrade(beast::error_code ec) {
    if (finished_) {
        return;
    }
    if (ec == websocket::error::upgrade_declined) {
        if (upgrade_response_.result_int() == 401) {
            finish(LinkFailure::unauthorized, "relay refused the site key: " + upgrade_refusal());
        } else {
            finish(LinkFailure::handshake, fmt::format("relay {} refused the WebSocket upgrade: {}",
                                                       plan_.relay.describe(), upgrade_refusal()));
        }
        return;
    }
    if (ec) {
        finish(LinkFailure::network,
               fmt::format("WebSocket upgrade with {} failed: {}", plan_.relay.describe(),
                           ec == beast::error::timeout
                               ? "no answer within " + seconds(plan_.handshake_timeout)
                               : ec.message()));
        return;
    }
    start_session();
}

}  // namespace cs::agent::ship

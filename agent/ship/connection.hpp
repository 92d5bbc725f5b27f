#pragma once

// Private to agent/ship, and the only header that pulls in Beast: included by
// connection_setup.cpp, connection_io.cpp and uplink.cpp.

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "agent/ship/endpoint.hpp"
#include "agent/ship/protocol_session.hpp"
#include "agent/ship/proxy.hpp"

namespace cs::agent::ship {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Strand = net::strand<net::io_context::executor_type>;

// Everything needed to reach the relay, decided once per attempt.
struct ConnectPlan {
    RelayEndpoint relay;
    std::optional<ProxyServer> proxy;
    std::string site_key;
    std::string user_agent;
    std::chrono::milliseconds connect_timeout;
    std::chrono::milliseconds handshake_timeout;
    std::chrono::milliseconds close_timeout;
    std::chrono::milliseconds tick;
};

// How a connection ended, for the reconnect loop.
struct ConnectionEnd {
    LinkFailure failure = LinkFailure::none;
    std::string reason;
    bool welcomed = false;
    std::chrono::steady_clock::duration lifetime{};
};

// One connection to the relay, Beast style: every step is a do_x/on_x pair on
// the connection's strand, every step has a timeout, one write is in flight
// with a queue behind it. Setup (DNS, TCP, CONNECT, TLS, upgrade) lives in
// connection_setup.cpp, the session's reads, writes and timers in
// connection_io.cpp; the protocol itself is ProtocolSession.
class Connection : public std::enable_shared_from_this<Connection>, private SessionIo {
public:
    using Done = std::function<void(const ConnectionEnd&)>;

    Connection(Strand strand, net::ssl::context& tls, ConnectPlan plan, SessionEnv& env, Done done);
    ~Connection() override;

    void run();
    // stop(): a clean 1000 close when a session is up, otherwise abandon the attempt.
    void shutdown();
    void notify_outbox();
    void notify_results();

private:
    using TlsSocket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
    using PlainSocket = websocket::stream<beast::tcp_stream>;

    template <typename F>
    void with_ws(F&& f) {
        if (auto* tls = std::get_if<TlsSocket>(&ws_)) {
            f(*tls);
        } else if (auto* plain = std::get_if<PlainSocket>(&ws_)) {
            f(*plain);
        }
    }
    beast::tcp_stream& tcp_layer();

    // Setup (connection_setup.cpp).
    void do_resolve();
    void on_resolve(beast::error_code ec, tcp::resolver::results_type results);
    void on_resolve_timeout(beast::error_code ec);
    void do_connect(const tcp::resolver::results_type& results);
    void on_connect(beast::error_code ec, const tcp::endpoint& endpoint);
    void do_proxy_connect();
    void on_proxy_write(beast::error_code ec, std::size_t bytes);
    void on_proxy_read(beast::error_code ec, std::size_t bytes);
    void do_tls_handshake();
    void on_tls_handshake(beast::error_code ec);
    void do_upgrade();
    void on_upgrade(beast::error_code ec);
    std::string upgrade_refusal() const;

    // Session (connection_io.cpp).
    void start_session();
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void do_write();
    void on_write(beast::error_code ec, std::size_t bytes);
    void do_tick_wait();
    void on_tick(beast::error_code ec);
    void do_heartbeat_wait();
    void on_heartbeat(beast::error_code ec);
    void on_welcome_timeout(beast::error_code ec);
    void set_keepalive(std::chrono::seconds heartbeat);
    void finish(LinkFailure failure, std::string reason);
    ConnectionEnd read_failure(beast::error_code ec);

    // SessionIo.
    void send_text(std::string text) override;
    void send_binary(std::string frame) override;
    void send_ping(std::string payload) override;
    void close(std::uint16_t code, std::string reason) override;
    std::size_t queued() const override { return queue_.size(); }
    std::size_t queued_binary() const override { return queued_binary_; }
    void welcomed(std::chrono::seconds interval) override;

    struct Outgoing {
        enum class Kind { text, binary, ping, close } kind;
        std::string payload;
        std::uint16_t code = 0;
    };
    void enqueue(Outgoing message);

    Strand strand_;
    net::ssl::context& tls_;
    ConnectPlan plan_;
    SessionEnv& env_;
    Done done_;
    std::chrono::steady_clock::time_point started_;

    tcp::resolver resolver_;
    std::variant<std::monostate, TlsSocket, PlainSocket> ws_;
    net::steady_timer step_timer_;
    net::steady_timer tick_timer_;
    net::steady_timer heartbeat_timer_;
    std::chrono::seconds heartbeat_interval_{15};

    beast::flat_buffer proxy_buffer_;
    http::request<http::empty_body> proxy_request_;
    std::optional<http::response_parser<http::empty_body>> proxy_parser_;
    websocket::response_type upgrade_response_;

    beast::flat_buffer read_buffer_;
    std::deque<Outgoing> queue_;
    std::size_t queued_binary_ = 0;
    bool writing_ = false;
    bool reading_ = false;
    bool closing_ = false;        // a close frame is queued or sent: nothing after it
    bool shutting_down_ = false;  // stop() asked for the close
    bool session_open_ = false;
    bool finished_ = false;
    ProtocolSession protocol_;
};

}  // namespace cs::agent::ship

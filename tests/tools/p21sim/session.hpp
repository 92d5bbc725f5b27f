#pragma once
// One HTTP connection, plain or TLS, in the Beast examples' style. Internal to
// server.cpp: the only translation unit that includes Beast.

#include <chrono>
#include <memory>
#include <optional>
#include <sstream>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include "tests/tools/p21sim/json_out.hpp"
#include "tests/tools/p21sim/simulator.hpp"

namespace cs::p21sim::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

inline constexpr std::size_t kMaxSpareBody = 16 << 20;  // bytes a connection keeps for reuse

struct SessionLimits {
    std::chrono::seconds read_timeout{60};
    std::chrono::seconds write_timeout{60};
    std::uint32_t header_limit = 64 * 1024;  // long $filter values live in the target
    std::uint64_t body_limit = 64 * 1024;    // token and admin bodies are small
    bool log_requests = false;
};

// Errors that end a connection in the ordinary course of things.
inline bool harmless(const beast::error_code& ec) {
    return ec == net::error::operation_aborted || ec == beast::error::timeout ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::eof || ec == ssl::error::stream_truncated ||
           ec == http::error::end_of_stream;
}

// The connection logic shared by plain and TLS streams (CRTP, as Beast's
// advanced_server_flex example does); Derived supplies stream(), do_eof(), abort().
template <class Derived>
class HttpSession {
public:
    HttpSession(Simulator& simulator, const SessionLimits& limits, const net::any_io_executor& ex,
                bool secure)
        : simulator_(simulator), limits_(limits), timer_(ex), secure_(secure) {}

    void do_read() {
        // A fresh parser per request: its limits are per message.
        parser_.emplace();
        parser_->header_limit(limits_.header_limit);
        parser_->body_limit(limits_.body_limit);
        // The read timeout also bounds how long an idle keep-alive connection stays open.
        beast::get_lowest_layer(derived().stream()).expires_after(limits_.read_timeout);
        // The head first: a client that sent "Expect: 100-continue" waits for an
        // interim answer before it sends the body.
        http::async_read_header(
            derived().stream(), buffer_, *parser_,
            beast::bind_front_handler(&HttpSession::on_header, derived().shared_from_this()));
    }

private:
    Derived& derived() { return static_cast<Derived&>(*this); }

    void on_header(beast::error_code ec, std::size_t bytes) {
        if (ec || parser_->is_done()) {
            return on_read(ec, bytes);
        }
        if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            return net::async_write(
                derived().stream(), net::buffer(kContinue.data(), kContinue.size()),
                beast::bind_front_handler(&HttpSession::on_continue, derived().shared_from_this()));
        }
        read_body();
    }

    void on_continue(beast::error_code ec, std::size_t) {
        if (ec) {
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(
            derived().stream(), buffer_, *parser_,
            beast::bind_front_handler(&HttpSession::on_read, derived().shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream) {
            return derived().do_eof();
        }
        if (ec == http::error::body_limit || ec == http::error::header_limit) {
            // Answer what went wrong, then close: the rest of the message is unread.
            return reply_and_close(ec == http::error::body_limit ? 413 : 431,
                                   ec == http::error::body_limit ? "request body too large"
                                                                 : "request header too large");
        }
        if (ec) {
            if (!harmless(ec) &&
                ec.category() == beast::error_code(http::error::bad_target).category()) {
                return reply_and_close(400, "malformed HTTP request: " + ec.message());
            }
            return;
        }
        started_ = std::chrono::steady_clock::now();
        auto request = parser_->release();
        HttpRequest in;
        in.method = std::string(request.method_string());
        in.target = std::string(request.target());
        in.body = std::move(request.body());
        in.secure = secure_;
        for (const auto& field : request) {
            std::string name(field.name_string());
            for (char& c : name) {
                c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            }
            in.headers.emplace_back(std::move(name), std::string(field.value()));
        }
        HttpResponse out = simulator_.handle(in, std::move(spare_body_));
        target_ = std::move(in.target);
        prepare(out, request.keep_alive(), request.version());
        if (out.delay_ms > 0) {
            // Latency and stalls hold the answer; no timeout may end the wait early.
            beast::get_lowest_layer(derived().stream()).expires_never();
            timer_.expires_after(std::chrono::milliseconds(out.delay_ms));
            return timer_.async_wait(
                beast::bind_front_handler(&HttpSession::on_delay, derived().shared_from_this()));
        }
        do_write();
    }

    void reply_and_close(int status, std::string_view message) {
        HttpResponse out;
        out.status = status;
        out.body = error_body(status, message);
        prepare(out, false, 11);
        do_write();
    }

    void prepare(HttpResponse& out, bool keep_alive, unsigned version) {
        response_ = {};
        response_.version(version);
        response_.result(static_cast<unsigned>(out.status));
        response_.set(http::field::server, "p21sim");
        response_.set(http::field::content_type, out.content_type);
        for (const auto& [name, value] : out.headers) {
            response_.set(name, value);
        }
        response_.keep_alive(keep_alive && !out.truncate);
        response_.body() = std::move(out.body);
        response_.prepare_payload();
        status_ = out.status;
        truncate_ = out.truncate;
        if (truncate_) {
            // The head promises the whole body; only half of it is ever sent.
            std::ostringstream head;
            head << response_.base();
            raw_ = head.str();
            raw_.append(response_.body(), 0, response_.body().size() / 2);
        }
    }

    void on_delay(beast::error_code ec) {
        if (ec) {
            return;
        }
        do_write();
    }

    void do_write() {
        beast::get_lowest_layer(derived().stream()).expires_after(limits_.write_timeout);
        if (truncate_) {
            return net::async_write(derived().stream(), net::buffer(raw_),
                                    beast::bind_front_handler(&HttpSession::on_truncated,
                                                              derived().shared_from_this()));
        }
        http::async_write(
            derived().stream(), response_,
            beast::bind_front_handler(&HttpSession::on_write, derived().shared_from_this(),
                                      response_.keep_alive()));
    }

    void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes) {
        log(bytes);
        // The next page is built in this page's memory, unless it grew unusually large.
        if (response_.body().capacity() <= kMaxSpareBody) {
            spare_body_ = std::move(response_.body());
        }
        if (ec) {
            return;
        }
        if (!keep_alive) {
            return derived().do_eof();
        }
        do_read();
    }

    void on_truncated(beast::error_code, std::size_t bytes) {
        log(bytes);
        // Close without a TLS close_notify or more bytes: the client sees a cut body.
        derived().abort();
    }

    void log(std::size_t bytes) {
        if (limits_.log_requests) {
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started_)
                          .count();
            spdlog::info("{} -> {} {} bytes {} ms{}", target_, status_, bytes, ms,
                         truncate_ ? " (truncated)" : "");
        }
    }

protected:
    beast::flat_buffer buffer_;

private:
    Simulator& simulator_;
    SessionLimits limits_;
    net::steady_timer timer_;
    bool secure_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    std::string raw_;
    std::string spare_body_;
    std::string target_;
    int status_ = 0;
    bool truncate_ = false;
    std::chrono::steady_clock::time_point started_;
};

class PlainSession : public HttpSession<PlainSession>,
                     public std::enable_shared_from_this<PlainSession> {
public:
    PlainSession(tcp::socket&& socket, Simulator& simulator, const SessionLimits& limits)
        : HttpSession(simulator, limits, socket.get_executor(), false),
          stream_(std::move(socket)) {}

    beast::tcp_stream& stream() { return stream_; }

    void run() {
        // Start on the connection's strand.
        net::dispatch(stream_.get_executor(),
                      beast::bind_front_handler(&PlainSession::do_read, shared_from_this()));
    }

    void do_eof() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    void abort() {
        beast::error_code ec;
        stream_.socket().close(ec);
    }

private:
    beast::tcp_stream stream_;
};

class TlsSession : public HttpSession<TlsSession>, public std::enable_shared_from_this<TlsSession> {
public:
    TlsSession(tcp::socket&& socket, ssl::context& context, Simulator& simulator,
               const SessionLimits& limits)
        : HttpSession(simulator, limits, socket.get_executor(), true),
          stream_(std::move(socket), context),
          limits_(limits) {}

    beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }

    void run() {
        net::dispatch(stream_.get_executor(),
                      beast::bind_front_handler(&TlsSession::on_run, shared_from_this()));
    }

    void do_eof() {
        // A polite TLS close; bounded like any other step.
        beast::get_lowest_layer(stream_).expires_after(limits_.write_timeout);
        stream_.async_shutdown(
            beast::bind_front_handler(&TlsSession::on_shutdown, shared_from_this()));
    }

    void abort() {
        beast::error_code ec;
        beast::get_lowest_layer(stream_).socket().close(ec);
    }

private:
    void on_run() {
        beast::get_lowest_layer(stream_).expires_after(limits_.read_timeout);
        stream_.async_handshake(
            ssl::stream_base::server,
            beast::bind_front_handler(&TlsSession::on_handshake, shared_from_this()));
    }

    void on_handshake(beast::error_code ec) {
        if (ec) {
            if (!harmless(ec)) {
                spdlog::debug("TLS handshake failed: {}", ec.message());
            }
            return;
        }
        do_read();
    }

    void on_shutdown(beast::error_code) {}  // the socket closes with the last reference

    beast::ssl_stream<beast::tcp_stream> stream_;
    SessionLimits limits_;
};

}  // namespace cs::p21sim::detail

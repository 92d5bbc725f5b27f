#include "tests/relay/support/test_agent.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <fmt/format.h>

#include "tests/relay/support/pg_test_database.hpp"

namespace cs::relay::testing {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

// Runs one asynchronous operation with a deadline; on expiry the socket is
// closed so the operation completes with an error.
template <typename Start>
beast::error_code run_with_deadline(net::io_context& ioc, net::ip::tcp::socket& socket, Start start,
                                    std::chrono::milliseconds timeout) {
    beast::error_code result = net::error::would_block;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
        result = ec;
        done = true;
    });
    ioc.restart();
    ioc.run_for(timeout);
    if (!done) {
        beast::error_code ignored;
        socket.close(ignored);
        ioc.restart();
        ioc.run();
        return beast::error::timeout;
    }
    return result;
}

void trust_test_relay(net::ssl::context& tls) {
    tls.set_verify_mode(net::ssl::verify_peer);
    tls.load_verify_file((test_data_dir() / "tls" / "relay-test.crt").string());
}

}  // namespace

struct TestAgent::Impl {
    net::io_context ioc;
    net::ssl::context tls{net::ssl::context::tls_client};
    std::unique_ptr<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> ws;
    beast::flat_buffer buffer;

    Impl() {
        trust_test_relay(tls);
        ws = std::make_unique<websocket::stream<beast::ssl_stream<beast::tcp_stream>>>(ioc, tls);
    }

    template <typename Start>
    beast::error_code run(Start start, std::chrono::milliseconds timeout) {
        return run_with_deadline(ioc, beast::get_lowest_layer(*ws).socket(), start, timeout);
    }
};

TestAgent::TestAgent(int port) : impl_(std::make_unique<Impl>()), port_(port) {}

TestAgent::~TestAgent() {
    abort();
}

int TestAgent::connect(const std::string& key, const std::string& path) {
    auto& s = *impl_;
    net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"),
                                    static_cast<unsigned short>(port_));
    auto timeout = std::chrono::seconds(10);
    if (s.run(
            [&](auto handler) { beast::get_lowest_layer(*s.ws).async_connect(endpoint, handler); },
            timeout)) {
        return 0;
    }
    if (s.run(
            [&](auto handler) {
                s.ws->next_layer().async_handshake(net::ssl::stream_base::client, handler);
            },
            timeout)) {
        return 0;
    }
    s.ws->set_option(websocket::stream_base::decorator([key](websocket::request_type& req) {
        req.set(beast::http::field::user_agent, "contractsync-agent/test");
        if (!key.empty()) {
            req.set(beast::http::field::authorization, "Bearer " + key);
        }
    }));
    websocket::response_type response;
    auto ec = s.run(
        [&](auto handler) {
            s.ws->async_handshake(response, fmt::format("127.0.0.1:{}", port_), path, handler);
        },
        timeout);
    if (ec) {
        refusal_body_ = response.body();
        return response.result_int() == 0 ? 0 : response.result_int();
    }
    return 101;
}

bool TestAgent::send_text(const std::string& text) {
    auto& s = *impl_;
    s.ws->text(true);
    return !s.run([&](auto handler) { s.ws->async_write(net::buffer(text), handler); },
                  std::chrono::seconds(20));
}

bool TestAgent::send_binary(const std::string& frame) {
    auto& s = *impl_;
    s.ws->binary(true);
    return !s.run([&](auto handler) { s.ws->async_write(net::buffer(frame), handler); },
                  std::chrono::seconds(60));
}

nlohmann::json TestAgent::Message::json() const {
    if (kind != Kind::text) {
        return nlohmann::json::object();
    }
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

std::string TestAgent::Message::describe() const {
    switch (kind) {
        case Kind::text:
            return "text " + text;
        case Kind::closed:
            return fmt::format("closed {} '{}'", close_code, close_reason);
        case Kind::timeout:
            return "timeout";
        case Kind::error:
            return "error " + error;
    }
    return "?";
}

TestAgent::Message TestAgent::read(std::chrono::milliseconds timeout) {
    auto& s = *impl_;
    Message m;
    auto ec = s.run([&](auto handler) { s.ws->async_read(s.buffer, handler); }, timeout);
    if (!ec) {
        m.kind = Message::Kind::text;
        m.text = beast::buffers_to_string(s.buffer.data());
        s.buffer.consume(s.buffer.size());
        return m;
    }
    if (ec == websocket::error::closed) {
        m.kind = Message::Kind::closed;
        m.close_code = s.ws->reason().code;
        m.close_reason = std::string(s.ws->reason().reason.data(), s.ws->reason().reason.size());
        return m;
    }
    m.kind = ec == beast::error::timeout ? Message::Kind::timeout : Message::Kind::error;
    m.error = ec.message();
    return m;
}

TestAgent::Message TestAgent::read_type(const std::string& type,
                                        std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return Message{Message::Kind::timeout};
        }
        auto m = read(left);
        if (m.kind != Message::Kind::text || m.json().value("type", "") == type) {
            return m;
        }
    }
}

std::string hello_json(const std::vector<std::string>& streams, const std::vector<int>& protocols) {
    return nlohmann::json{{"type", "hello"},          {"protocols", protocols},
                          {"agent_id", "test-agent"}, {"agent_version", "0.0.0-test"},
                          {"host", "test-host"},      {"os", "linux"},
                          {"streams", streams}}
        .dump();
}

TestAgent::Message TestAgent::hello(const std::vector<std::string>& streams,
                                    const std::vector<int>& protocols) {
    if (!send_text(hello_json(streams, protocols))) {
        return Message{Message::Kind::error, {}, 0, {}, "sending hello failed"};
    }
    return read_type("welcome");
}

struct KeepAliveClient::Impl {
    net::io_context ioc;
    net::ssl::context tls{net::ssl::context::tls_client};
    beast::ssl_stream<beast::tcp_stream> stream{ioc, tls};
    beast::flat_buffer buffer;
    bool connected = false;

    Impl() { trust_test_relay(tls); }

    template <typename Start>
    beast::error_code run(Start start, std::chrono::milliseconds timeout) {
        return run_with_deadline(ioc, beast::get_lowest_layer(stream).socket(), start, timeout);
    }
};

KeepAliveClient::KeepAliveClient(int port) : impl_(std::make_unique<Impl>()), port_(port) {}
KeepAliveClient::~KeepAliveClient() = default;

std::pair<int, std::string> KeepAliveClient::get(const std::string& path) {
    auto& s = *impl_;
    auto timeout = std::chrono::seconds(10);
    if (!s.connected) {
        net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"),
                                        static_cast<unsigned short>(port_));
        if (s.run([&](auto h) { beast::get_lowest_layer(s.stream).async_connect(endpoint, h); },
                  timeout) ||
            s.run([&](auto h) { s.stream.async_handshake(net::ssl::stream_base::client, h); },
                  timeout)) {
            return {0, ""};
        }
        s.connected = true;
    }
    beast::http::request<beast::http::empty_body> req{beast::http::verb::get, path, 11};
    req.set(beast::http::field::host, "localhost");
    req.keep_alive(true);
    beast::http::response<beast::http::string_body> res;
    if (s.run([&](auto h) { beast::http::async_write(s.stream, req, h); }, timeout) ||
        s.run([&](auto h) { beast::http::async_read(s.stream, s.buffer, res, h); }, timeout)) {
        return {0, ""};
    }
    return {res.result_int(), std::string(res[beast::http::field::connection])};
}

bool KeepAliveClient::closed_by_server(std::chrono::milliseconds timeout) {
    auto& s = *impl_;
    char byte = 0;
    auto ec = s.run([&](auto h) { s.stream.async_read_some(net::buffer(&byte, 1), h); }, timeout);
    // A close_notify (eof, stream_truncated) or a dropped socket; not the deadline.
    return ec && ec != beast::error::timeout;
}

std::string HttpsReply::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (beast::iequals(k, name)) {
            return v;
        }
    }
    return {};
}

HttpsReply https_request(int port, const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::string& body, std::chrono::milliseconds timeout) {
    net::io_context ioc;
    net::ssl::context tls{net::ssl::context::tls_client};
    trust_test_relay(tls);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::http::request<beast::http::string_body> req{beast::http::string_to_verb(method), target,
                                                       11};
    req.set(beast::http::field::host, "localhost");
    for (const auto& [name, value] : headers) {
        req.set(name, value);
    }
    if (!body.empty()) {
        req.set(beast::http::field::content_type, "application/json");
        req.body() = body;
    }
    req.prepare_payload();
    beast::http::response<beast::http::string_body> res;
    beast::flat_buffer buffer;
    bool ok = false;
    net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"),
                                    static_cast<unsigned short>(port));
    beast::get_lowest_layer(stream).async_connect(endpoint, [&](beast::error_code ec) {
        if (ec) {
            return;
        }
        stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code ec2) {
            if (ec2) {
                return;
            }
            beast::http::async_write(stream, req, [&](beast::error_code ec3, std::size_t) {
                if (ec3) {
                    return;
                }
                beast::http::async_read(stream, buffer, res,
                                        [&](beast::error_code ec4, std::size_t) { ok = !ec4; });
            });
        });
    });
    ioc.run();
    HttpsReply out;
    if (!ok) {
        return out;
    }
    out.status = res.result_int();
    out.body = res.body();
    for (const auto& field : res) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    return out;
}

std::pair<int, std::string> https_get(int port, const std::string& path) {
    auto r = https_request(port, "GET", path);
    return {r.status, std::move(r.body)};
}

void TestAgent::close(std::uint16_t code) {
    auto& s = *impl_;
    if (!s.ws->is_open()) {
        return;
    }
    (void)s.run([&](auto handler) { s.ws->async_close(websocket::close_reason(code), handler); },
                std::chrono::seconds(5));
}

void TestAgent::abort() {
    beast::error_code ignored;
    beast::get_lowest_layer(*impl_->ws).socket().close(ignored);
}

}  // namespace cs::relay::testing

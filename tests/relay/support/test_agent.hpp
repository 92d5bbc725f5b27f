#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace cs::relay::testing {

// A minimal agent-side WebSocket client for tests: TLS to 127.0.0.1 verifying
// the test certificate, the /v1/agent upgrade with a bearer key, and message
// I/O where every wait has a deadline.
class TestAgent {
public:
    explicit TestAgent(int port);
    ~TestAgent();
    TestAgent(const TestAgent&) = delete;
    TestAgent& operator=(const TestAgent&) = delete;

    // Connects and asks for the upgrade. Returns the HTTP status (101 when
    // upgraded, e.g. 401 when refused, with the body in refusal_body()), or 0
    // when the TCP/TLS connection itself failed.
    int connect(const std::string& key, const std::string& path = "/v1/agent");
    const std::string& refusal_body() const { return refusal_body_; }

    bool send_text(const std::string& text);
    bool send_binary(const std::string& frame);

    struct Message {
        enum class Kind { text, closed, timeout, error };
        Kind kind = Kind::error;
        std::string text;
        std::uint16_t close_code = 0;
        std::string close_reason;
        std::string error;
        nlohmann::json json() const;  // the text as a JSON object; {} otherwise
        std::string describe() const;
    };
    Message read(std::chrono::milliseconds timeout = std::chrono::seconds(20));

    // Sends hello; returns the welcome (or the message that came instead).
    Message hello(const std::vector<std::string>& streams, const std::vector<int>& protocols = {1});

    // Reads until a message of `type` arrives, skipping others (e.g. commands).
    Message read_type(const std::string& type,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20));

    void close(std::uint16_t code = 1000);
    // Drops the TCP connection without a close handshake.
    void abort();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string refusal_body_;
    int port_;
};

// One HTTPS connection kept open between requests, as browsers keep them.
class KeepAliveClient {
public:
    explicit KeepAliveClient(int port);
    ~KeepAliveClient();
    KeepAliveClient(const KeepAliveClient&) = delete;
    KeepAliveClient& operator=(const KeepAliveClient&) = delete;

    // GET `path` on this connection (connecting first): {status, the
    // response's Connection header}; status 0 when it failed.
    std::pair<int, std::string> get(const std::string& path);
    // True when the server closes the connection within `timeout` while it
    // sends nothing.
    bool closed_by_server(std::chrono::milliseconds timeout);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int port_;
};

// A reply to https_request; status 0 when the relay was unreachable or the
// exchange failed or timed out.
struct HttpsReply {
    int status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string header(std::string_view name) const;  // "" when absent; any case
};

// One request on a fresh HTTPS connection to 127.0.0.1:<port>; a non-empty
// body is sent as JSON. The whole exchange is bounded by `timeout`.
HttpsReply https_request(int port, const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         const std::string& body = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));

// GET https://127.0.0.1:<port><path>: {status, body}; status 0 when unreachable.
std::pair<int, std::string> https_get(int port, const std::string& path);

// A hello message as an agent would send it.
std::string hello_json(const std::vector<std::string>& streams, const std::vector<int>& protocols);

}  // namespace cs::relay::testing

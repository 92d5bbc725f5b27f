#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::net {

struct MetricsServerOptions {
    // When set, a scrape must send "Authorization: Bearer <token>" (else 401).
    // Never logged.
    std::string bearer_token;
};

// A tiny plain-HTTP server for Prometheus: GET /metrics answers with render()
// (called on the server's own thread); anything else is 404 or 405. One
// thread, one request per connection, 5 s to send it. The agent and the relay
// serve their metrics with it, each on its own listener.
class MetricsServer {
public:
    // Binds host:port (port 0: any free port) and starts serving.
    static Expected<std::unique_ptr<MetricsServer>> start(const std::string& host,
                                                          std::uint16_t port,
                                                          std::function<std::string()> render,
                                                          MetricsServerOptions options = {});
    virtual ~MetricsServer() = default;
    // The port actually bound.
    virtual std::uint16_t port() const = 0;
};

// "127.0.0.1:9464", "[::1]:9464", "localhost:0" -> host and port; `what`
// names the setting in the error.
struct HostPort {
    std::string host;  // an IP address ("localhost" becomes 127.0.0.1)
    std::uint16_t port = 0;
};
Expected<HostPort> parse_host_port(std::string_view text, std::string_view what);

// True for 127.0.0.0/8 and ::1.
bool is_loopback(std::string_view address);

}  // namespace cs::net

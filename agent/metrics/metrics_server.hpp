#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/base/expected.hpp"

namespace cs::agent::metrics {

// A tiny HTTP server for Prometheus on the loopback interface: GET /metrics
// answers with render() (called on the server's own thread); anything else
// is 404 or 405. One thread, one request per connection, 5 s to send it.
class MetricsServer {
public:
    // Binds host:port (port 0: any free port) and starts serving.
    static Expected<std::unique_ptr<MetricsServer>> start(const std::string& host,
                                                          std::uint16_t port,
                                                          std::function<std::string()> render);
    virtual ~MetricsServer() = default;
    // The port actually bound.
    virtual std::uint16_t port() const = 0;
};

}  // namespace cs::agent::metrics

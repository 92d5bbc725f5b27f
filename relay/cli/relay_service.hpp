#pragma once

#include <memory>

#include "common/base/expected.hpp"
#include "relay/config/config.hpp"

namespace cs::relay::cli {

// Everything `serve` runs, wired together: migrations, connection pools, the
// TLS server with /v1/agent, /livez, /readyz, the API and the portal, the
// /metrics listener, the NOTIFY listener and the background jobs. Tests run
// it in-process.
class RelayService {
public:
    // Migrates the schema and starts serving.
    static Expected<std::unique_ptr<RelayService>> start(const RelayConfig& config);
    ~RelayService();  // stops if still running
    RelayService(const RelayService&) = delete;
    RelayService& operator=(const RelayService&) = delete;

    int port() const;
    // The /metrics listener's port; 0 when metrics.listen is off.
    int metrics_port() const;
    // Closes agent sessions (1001), drains connections, releases site locks.
    void stop();

private:
    struct Impl;
    explicit RelayService(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::relay::cli

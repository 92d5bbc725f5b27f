#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "common/base/expected.hpp"
#include "relay/config/config.hpp"
#include "relay/metrics/registry.hpp"
#include "relay/server/blocking_pool.hpp"
#include "relay/server/router.hpp"

namespace cs::relay::server {

struct ServerOptions {
    std::string address = "0.0.0.0";
    int port = 8443;  // 0: any free port
    TlsConfig tls;
    std::size_t io_threads = 2;
    std::size_t max_header_bytes = 16u << 10;
    std::size_t max_body_bytes = 1u << 20;  // upload routes set their own (UploadOptions)
    std::string max_body_setting = "limits.max_http_body_bytes";  // named in a 413
    // Connections open at once, in all and from one source address (agents
    // behind one NAT share theirs); over either cap a new one is closed at once.
    // 0: no cap.
    std::size_t max_connections = 2000;
    std::size_t max_connections_per_address = 64;
    std::chrono::milliseconds tls_handshake{10'000};
    std::chrono::milliseconds http_request{30'000};  // a header; each read of a body
    std::chrono::milliseconds http_idle{60'000};
    std::chrono::milliseconds http_upload{600'000};  // the whole body of an upload route
    std::chrono::milliseconds shutdown_grace{10'000};
    // Strict-Transport-Security max-age on every response; 0: no header.
    std::chrono::seconds hsts_max_age{31'536'000};
    // Where the server counts connections (open, refused); null: nowhere.
    metrics::Registry* metrics = nullptr;
};

// The thread pools blocking handlers run on, one per kind of work, so that
// one kind queueing up never delays another (docs/relay.md, "Budgets").
struct Lanes {
    BlockingPool* interactive;  // Execution::blocking routes: the API and the portal
    BlockingPool* probe;        // Execution::probe routes: /readyz
    BlockingPool* upgrades;     // authorizing WebSocket upgrades: agents
};

// The TLS listener: accepts connections, runs HTTP sessions on I/O threads (one
// strand per connection) and hands WebSocket upgrades to the router's endpoints.
class Server {
public:
    Server(ServerOptions options, std::shared_ptr<const Router> router, Lanes lanes);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Loads the certificate and key, binds and starts the I/O threads. Returns
    // the port actually bound.
    Expected<int> start();
    // Stops accepting, asks WebSocket endpoints to close their sessions, and lets
    // connections finish for up to shutdown_grace. Returns at once.
    void stop();
    // Blocks until the I/O threads have finished.
    void wait();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::relay::server

#pragma once

#include <memory>
#include <optional>

#include "relay/server/http_types.hpp"

namespace cs::relay::server {

// An accepted TLS connection whose HTTP request asked for a WebSocket upgrade,
// handed to the endpoint that serves its path. Opaque here: the Beast stream and
// request inside are reachable through relay/server/detail/handoff.hpp, which
// only Beast translation units include.
class UpgradeHandoff {
public:
    struct Impl;
    explicit UpgradeHandoff(std::unique_ptr<Impl> impl);
    UpgradeHandoff(UpgradeHandoff&&) noexcept;
    UpgradeHandoff& operator=(UpgradeHandoff&&) noexcept;
    ~UpgradeHandoff();
    Impl& impl() { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

// Whatever an endpoint learned while authorizing (e.g. the authenticated site).
struct UpgradeContext {
    virtual ~UpgradeContext() = default;
};

// Serves WebSocket connections on one path.
class WebSocketEndpoint {
public:
    virtual ~WebSocketEndpoint() = default;

    // Runs on the blocking pool before the upgrade. Returns a refusal (sent as an
    // HTTP response, then the connection closes) or nullopt to accept, with
    // `context` passed on to start().
    virtual std::optional<HttpResponse> authorize(const HttpRequest& request,
                                                  std::shared_ptr<UpgradeContext>& context) = 0;
    // Takes over the connection (called on the connection's strand).
    virtual void start(UpgradeHandoff handoff, std::shared_ptr<UpgradeContext> context) = 0;
    // The relay is shutting down: close every session (1001).
    virtual void shutdown() = 0;
};

}  // namespace cs::relay::server

#pragma once

// State every HTTP session of one server shares. Beast translation units only.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "relay/server/server.hpp"

namespace cs::relay::server {

// The HTTP sessions alive now, so that a stopping server can close the idle
// keep-alive ones at once instead of waiting out its grace period for them.
class SessionRegistry {
public:
    // Registers a session's stop action (called on any thread, once). Returns
    // 0 when the server is already stopping: the session should just end.
    std::uint64_t add(std::function<void()> stop);
    void remove(std::uint64_t id);
    // Runs every registered stop action and refuses later registrations.
    void stop_all();

private:
    std::mutex mutex_;
    bool stopping_ = false;
    std::uint64_t next_ = 1;
    std::unordered_map<std::uint64_t, std::function<void()>> sessions_;
};

struct SessionShared {
    ServerOptions options;
    std::shared_ptr<const Router> router;
    Lanes lanes;
    std::shared_ptr<boost::asio::ssl::context> tls;
    std::shared_ptr<SessionRegistry> sessions;
};

// Starts serving one accepted connection (TLS handshake, then HTTP requests).
// `slot` is its place under the connection caps, held until it closes (by the
// WebSocket session after an upgrade).
void start_http_session(boost::asio::ip::tcp::socket socket,
                        std::shared_ptr<const SessionShared> shared, std::shared_ptr<void> slot);

// A server TLS context: certificate chain + key from PEM files; TLS 1.3, or
// TLS 1.2 with ECDHE and an AEAD cipher only, the server's preference first.
Expected<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const TlsConfig& tls);

}  // namespace cs::relay::server

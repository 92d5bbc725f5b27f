#pragma once

// State every HTTP session of one server shares. Beast translation units only.

#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "relay/server/server.hpp"

namespace cs::relay::server {

struct SessionShared {
    ServerOptions options;
    std::shared_ptr<const Router> router;
    BlockingPool* blocking;
    std::shared_ptr<boost::asio::ssl::context> tls;
};

// Starts serving one accepted connection (TLS handshake, then HTTP requests).
void start_http_session(boost::asio::ip::tcp::socket socket,
                        std::shared_ptr<const SessionShared> shared);

// A server TLS context: certificate chain + key from PEM files, TLS 1.2 minimum.
Expected<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const TlsConfig& tls);

}  // namespace cs::relay::server

#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "relay/server/http_types.hpp"
#include "relay/server/upgrade.hpp"

namespace cs::relay::server {

// Where a handler runs: on the I/O thread (cheap, never blocks), on the
// interactive lane (API and portal requests: database work, libpq is
// synchronous), or on the probe lane (/readyz), which nothing else queues on.
enum class Execution { inline_io, blocking, probe };

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Maps method + path to handlers, and paths to WebSocket endpoints. Other
// modules (the REST API later) add their routes before the server starts; a
// path ending in "/*" matches every path under it.
class Router {
public:
    struct Route {
        std::string method;
        std::string path;
        Execution execution;
        Handler handler;
        std::size_t max_body_bytes = 0;  // 0: the server's limit
    };

    // `max_body_bytes` raises the request body limit for this route only
    // (uploads); 0 keeps the server's limit.
    void add(std::string method, std::string path, Execution execution, Handler handler,
             std::size_t max_body_bytes = 0);
    void add_websocket(std::string path, std::shared_ptr<WebSocketEndpoint> endpoint);

    // The route for method + path; null with `status` 404 or 405 when none.
    const Route* find(std::string_view method, std::string_view path, int& status) const;
    std::shared_ptr<WebSocketEndpoint> websocket(std::string_view path) const;
    std::vector<std::shared_ptr<WebSocketEndpoint>> websocket_endpoints() const;

private:
    static bool matches(std::string_view pattern, std::string_view path);
    std::vector<Route> routes_;
    std::vector<std::pair<std::string, std::shared_ptr<WebSocketEndpoint>>> websockets_;
};

}  // namespace cs::relay::server

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

// What makes a route an upload route: a larger body, checked before it is read
// and streamed to disk rather than memory (docs/security.md, "Uploads").
struct UploadOptions {
    std::uint64_t max_body_bytes = 0;
    std::string limit_setting;  // the setting behind max_body_bytes, named in a 413
    // Runs on the interactive lane with the header alone (`body` empty), before
    // any of the body is read: credentials, role, CSRF. A refusal is answered
    // at once and the connection closed; nullopt lets the body in.
    std::function<std::optional<HttpResponse>(const HttpRequest&)> admit;
    // The body streams into this store's staging area (HttpRequest::upload);
    // null: it is read into memory like any other (bounded by max_body_bytes).
    storage::BlobStore* spool = nullptr;
};

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
        std::optional<UploadOptions> upload;  // set for upload routes
    };

    void add(std::string method, std::string path, Execution execution, Handler handler);
    // An upload route; its handler runs on the interactive lane. Add it before
    // any catch-all ("/*") that also matches its path: the first match wins.
    void add_upload(std::string method, std::string path, Handler handler, UploadOptions upload);
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

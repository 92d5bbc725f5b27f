#include "relay/server/router.hpp"

namespace cs::relay::server {

bool Router::matches(std::string_view pattern, std::string_view path) {
    if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == "/*") {
        auto prefix = pattern.substr(0, pattern.size() - 1);  // keeps the slash
        return path.substr(0, prefix.size()) == prefix;
    }
    return pattern == path;
}

void Router::add(std::string method, std::string path, Execution execution, Handler handler) {
    routes_.push_back(
        Route{std::move(method), std::move(path), execution, std::move(handler), std::nullopt});
}

void Router::add_upload(std::string method, std::string path, Handler handler,
                        UploadOptions upload) {
    routes_.push_back(Route{std::move(method), std::move(path), Execution::blocking,
                            std::move(handler), std::move(upload)});
}

void Router::add_websocket(std::string path, std::shared_ptr<WebSocketEndpoint> endpoint) {
    websockets_.emplace_back(std::move(path), std::move(endpoint));
}

const Router::Route* Router::find(std::string_view method, std::string_view path,
                                  int& status) const {
    bool path_known = false;
    for (const auto& route : routes_) {
        if (!matches(route.path, path)) {
            continue;
        }
        path_known = true;
        if (route.method == method || (method == "HEAD" && route.method == "GET")) {
            return &route;
        }
    }
    status = path_known ? 405 : 404;
    return nullptr;
}

std::shared_ptr<WebSocketEndpoint> Router::websocket(std::string_view path) const {
    for (const auto& [p, endpoint] : websockets_) {
        if (matches(p, path)) {
            return endpoint;
        }
    }
    return nullptr;
}

std::vector<std::shared_ptr<WebSocketEndpoint>> Router::websocket_endpoints() const {
    std::vector<std::shared_ptr<WebSocketEndpoint>> out;
    for (const auto& [p, endpoint] : websockets_) {
        out.push_back(endpoint);
    }
    return out;
}

}  // namespace cs::relay::server

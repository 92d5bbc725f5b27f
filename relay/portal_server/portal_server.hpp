#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "common/base/expected.hpp"
#include "relay/server/http_types.hpp"
#include "relay/server/router.hpp"

namespace cs::relay::portal_server {

struct PortalOptions {
    std::filesystem::path root;              // the Vite build: index.html, assets/
    std::size_t max_file_bytes = 16u << 20;  // larger files are refused (the bundle is far smaller)
};

// Serves one portal build from disk. Files are read per request, so a new
// build replaces the old one without a restart; safe to call from any thread.
class PortalServer {
public:
    // Fails when the root is missing or holds no index.html.
    static Expected<std::shared_ptr<const PortalServer>> open(PortalOptions options);

    // GET/HEAD of a URL path: the file, index.html for the app's own routes,
    // 304 when the browser's copy is current, 400/404 otherwise. Every reply
    // carries the portal's security headers.
    server::HttpResponse serve(const server::HttpRequest& request) const;

private:
    explicit PortalServer(PortalOptions options) : options_(std::move(options)) {}

    PortalOptions options_;  // root canonical (symlinks resolved)
};

// Mounts GET "/*" on the router. Install it after the API and health routes:
// the router takes the first route that matches, so theirs win.
void install(server::Router& router, std::shared_ptr<const PortalServer> portal);

}  // namespace cs::relay::portal_server

#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "relay/api/auth/principal.hpp"
#include "relay/api/http/reply.hpp"

namespace cs::relay::api {

class RequestContext;

// How a route's handler reaches the database.
enum class Access {
    open,    // no login (login, the OpenAPI document); runs on an owner connection
    scoped,  // logged in; runs under row-level security for the caller's scope
};

using Handler = std::function<Reply(RequestContext&)>;

struct Route {
    std::string method;  // GET, POST, PATCH, DELETE
    std::string path;    // "/api/v1/sites/{site_id}"
    Roles roles = 0;     // who may call it (ignored for Access::open)
    Access access = Access::scoped;
    Handler handler;
    std::string summary;  // one line, mirrored in the OpenAPI document
    bool upload = false;  // takes a body up to limits.max_upload_bytes (literal paths only)
    // Long or large work (a manual run, an upload, an export): a longer
    // statement timeout, and a cap on how many run at once (api.heavy_*).
    bool heavy = false;
    // What an API token needs to call it (0: default_scope of the method and
    // path, filled in by RouteTable::add). Listed as x-contractsync-scope.
    Scopes scope = 0;
};

// Every API route, matched segment by segment; "{name}" segments capture.
class RouteTable {
public:
    // Returns the route added, for flags such as `heavy`.
    Route& add(Route route);
    const std::vector<Route>& routes() const { return routes_; }

    struct Match {
        const Route* route = nullptr;
        std::map<std::string, std::string, std::less<>> params;
        int status = 404;  // 404 unknown path, 405 known path with another method
    };
    Match find(std::string_view method, std::string_view path) const;

private:
    std::vector<Route> routes_;
};

}  // namespace cs::relay::api

#pragma once

#include <memory>
#include <optional>

#include "relay/api/core/api_env.hpp"
#include "relay/api/core/route_table.hpp"
#include "relay/server/http_types.hpp"

namespace cs::relay::api {

// Who is calling and the tenant in scope (their own, or the one a staff
// member selected with X-Tenant-Id; nullopt: staff across tenants), or the
// reply that refuses them.
struct Authenticated {
    std::optional<Principal> principal;
    std::optional<std::string> tenant;
    std::optional<Reply> failure;
};

// Runs an API request end to end: route, authenticate (session cookie or
// bearer token), check the role, check CSRF for cookie-authenticated
// mutations, open the scoped transaction, call the handler, commit or roll back.
class Dispatcher {
public:
    Dispatcher(std::shared_ptr<const RouteTable> routes, const ApiEnv& env)
        : routes_(std::move(routes)), env_(env) {}

    server::HttpResponse handle(const server::HttpRequest& request) const;

    // The checks that need no body (credentials, role, CSRF, the heavy-work
    // cap), for upload routes before their body is read: the refusal handle()
    // would give, or nullopt. handle() checks again when the body has arrived.
    std::optional<server::HttpResponse> admit(const server::HttpRequest& request) const;

private:
    Reply dispatch(const server::HttpRequest& request) const;
    Authenticated admit_caller(const server::HttpRequest& request, const Route& route) const;
    // Headers every API response carries.
    static server::HttpResponse finish(Reply reply);

    std::shared_ptr<const RouteTable> routes_;
    const ApiEnv& env_;
};

}  // namespace cs::relay::api

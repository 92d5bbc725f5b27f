#pragma once

#include <memory>

#include "relay/api/core/api_env.hpp"
#include "relay/api/core/route_table.hpp"
#include "relay/server/http_types.hpp"

namespace cs::relay::api {

// Runs an API request end to end: route, authenticate (session cookie or
// bearer token), check the role, check CSRF for cookie-authenticated
// mutations, open the scoped transaction, call the handler, commit or roll back.
class Dispatcher {
public:
    Dispatcher(std::shared_ptr<const RouteTable> routes, const ApiEnv& env)
        : routes_(std::move(routes)), env_(env) {}

    server::HttpResponse handle(const server::HttpRequest& request) const;

private:
    Reply dispatch(const server::HttpRequest& request) const;

    std::shared_ptr<const RouteTable> routes_;
    const ApiEnv& env_;
};

}  // namespace cs::relay::api

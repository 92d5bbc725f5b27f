#pragma once

#include <memory>
#include <string_view>

#include "relay/api/core/api_env.hpp"
#include "relay/api/core/route_table.hpp"
#include "relay/server/router.hpp"

namespace cs::relay::api {

// Every /api/v1 route (the OpenAPI document lists the same set; a test checks).
std::shared_ptr<RouteTable> build_routes();

// The OpenAPI 3.1 document served at /api/v1/openapi.json.
std::string_view openapi_document();

// Mounts /api/v1/* on the server's router; requests run on the blocking pool.
// `env` must outlive the server.
void install(server::Router& router, const ApiEnv& env);

}  // namespace cs::relay::api

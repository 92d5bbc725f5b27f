#include "relay/api/api.hpp"

#include "relay/api/core/context.hpp"
#include "relay/api/core/dispatcher.hpp"
#include "relay/api/routes/routes.hpp"

namespace cs::relay::api {

extern const char* const kOpenApiDocument;  // generated from openapi/openapi.json

std::string_view openapi_document() {
    return kOpenApiDocument;
}

std::shared_ptr<RouteTable> build_routes() {
    auto table = std::make_shared<RouteTable>();
    table->add({"GET", "/api/v1/openapi.json", 0, Access::open,
                [](RequestContext&) {
                    Reply r;
                    r.content_type = "application/json";
                    r.raw = std::string(openapi_document());
                    return r;
                },
                "This document"});
    routes::add_auth_routes(*table);
    routes::add_user_routes(*table);
    routes::add_token_routes(*table);
    routes::add_tenant_routes(*table);
    routes::add_site_routes(*table);
    routes::add_command_routes(*table);
    routes::add_data_routes(*table);
    routes::add_sync_routes(*table);
    routes::add_fleet_routes(*table);
    routes::add_audit_routes(*table);
    routes::add_alert_routes(*table);
    routes::add_recon_routes(*table);
    routes::add_recon_run_routes(*table);
    routes::add_recon_file_routes(*table);
    return table;
}

void install(server::Router& router, const ApiEnv& env) {
    auto routes = build_routes();
    auto dispatcher = std::make_shared<Dispatcher>(routes, env);
    // Upload routes first: the router takes the first match, and only these
    // may carry bodies beyond the server's limit.
    for (const auto& route : routes->routes()) {
        if (route.upload) {
            router.add(
                route.method, route.path, server::Execution::blocking,
                [dispatcher](const server::HttpRequest& request) {
                    return dispatcher->handle(request);
                },
                env.max_upload_bytes);
        }
    }
    for (const char* method : {"GET", "POST", "PATCH", "PUT", "DELETE"}) {
        router.add(method, "/api/v1/*", server::Execution::blocking,
                   [dispatcher](const server::HttpRequest& request) {
                       return dispatcher->handle(request);
                   });
    }
}

}  // namespace cs::relay::api

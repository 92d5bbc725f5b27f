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
    routes::add_notification_routes(*table);
    routes::add_recon_exception_routes(*table);
    routes::add_recon_routes(*table);
    routes::add_recon_run_routes(*table);
    routes::add_recon_file_routes(*table);
    return table;
}

void install(server::Router& router, const ApiEnv& env) {
    auto routes = build_routes();
    auto dispatcher = std::make_shared<Dispatcher>(routes, env);
    // Upload routes first: the router takes the first match, and only these
    // may carry bodies beyond the server's limit. Their callers are checked on
    // the header, before the body is read, and the body streams to the blob
    // store's staging area (docs/security.md, "Uploads").
    for (const auto& route : routes->routes()) {
        if (route.upload) {
            server::UploadOptions upload;
            upload.max_body_bytes = env.max_upload_bytes;
            upload.limit_setting = "limits.max_upload_bytes";
            upload.admit =
                [dispatcher, blobs = env.blobs](
                    const server::HttpRequest& request) -> std::optional<server::HttpResponse> {
                if (auto refusal = dispatcher->admit(request)) {
                    return refusal;
                }
                if (blobs == nullptr) {  // nowhere to stream the body to: not worth reading
                    return server::HttpResponse::error(
                        503, "uploads need somewhere to keep the files: set the relay's data_dir");
                }
                return std::nullopt;
            };
            upload.spool = env.blobs;
            router.add_upload(
                route.method, route.path,
                [dispatcher](const server::HttpRequest& request) {
                    return dispatcher->handle(request);
                },
                std::move(upload));
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

#include "relay/server/health.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "relay/db/migrations.hpp"

namespace cs::relay::server {
namespace {

HttpResponse not_ready(std::string_view why) {
    nlohmann::json body = {{"status", "not ready"}, {"error", why}};
    auto r = HttpResponse::json(
        503, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    r.headers.emplace_back("Retry-After", "5");
    return r;
}

}  // namespace

void add_health_routes(Router& router, db::Pool& pool) {
    router.add("GET", "/livez", Execution::inline_io,
               [](const HttpRequest&) { return HttpResponse::json(200, R"({"status":"ok"})"); });
    router.add("GET", "/readyz", Execution::probe, [&pool](const HttpRequest&) {
        // A short wait: a probe that queues behind a busy pool says more by failing.
        auto lease = pool.acquire(std::chrono::seconds(2));
        if (!lease) {
            return not_ready(lease.error().message);
        }
        if (auto r = (*lease)->query("readiness check", "SELECT 1"); !r) {
            return not_ready(r.error().message);
        }
        if (auto s = db::check_migrations_current(**lease); !s) {
            return not_ready(s.error().message);
        }
        return HttpResponse::json(200, R"({"status":"ready"})");
    });
}

}  // namespace cs::relay::server

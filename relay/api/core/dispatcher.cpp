#include "relay/api/core/dispatcher.hpp"

#include <chrono>

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "relay/api/core/context.hpp"
#include "relay/sites/site_key.hpp"

namespace cs::relay::api {
namespace {

bool is_mutation(std::string_view method) {
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool same_secret(std::string_view a, std::string_view b) {
    return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Reply too_much_heavy_work() {
    auto r = Reply::error(429,
                          "too many long-running requests (runs, uploads, exports) at once for "
                          "this tenant or this relay; try again shortly");
    r.headers.emplace_back("Retry-After", "5");
    return r;
}

// Whose share of the heavy-work cap a request uses: its tenant's, or for
// staff without one their own.
std::string heavy_key(const Authenticated& a) {
    return a.tenant.value_or("staff:" + a.principal->user_id);
}

Reply unauthenticated(std::string_view detail) {
    auto r = Reply::error(401, detail);
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"contractsync\"");
    return r;
}

Authenticated authenticate(db::Connection& conn, const server::HttpRequest& req,
                           const ApiEnv& env) {
    Authenticated a;
    auto authorization = req.header("authorization");
    if (!authorization.empty()) {
        auto token = sites::bearer_token_text(authorization);
        if (!token) {
            a.failure = unauthenticated(token.error().message);
            return a;
        }
        auto p = auth::resolve_api_token(conn, *token);
        if (!p) {
            a.failure = Reply::from(p.error());
        } else if (!*p) {
            a.failure = unauthenticated("the API token is unknown, revoked or expired");
        } else {
            a.principal = std::move(**p);
        }
        return a;
    }
    auto cookie = cookie_value(req.header("cookie"), auth::kSessionCookie);
    if (cookie.empty()) {
        a.failure = unauthenticated("log in first (no session cookie or bearer token)");
        return a;
    }
    auto p = auth::resolve_session(conn, cookie, env.auth);
    if (!p) {
        a.failure = Reply::from(p.error());
    } else if (!*p) {
        a.failure = unauthenticated("the session has ended or expired; log in again");
    } else {
        a.principal = std::move(**p);
    }
    return a;
}

// Sets the transaction's role and tenant: the only place a request's
// row-level security scope is decided. The tenant travels as a claim signed
// with the relay's key, which cs_current_tenant() verifies, and `conn` is
// logged in as a role that can become only the scope's group role, so SQL
// that resets either lands nowhere (docs/security.md). Also its time limits:
// no statement of a request waits for a lock longer than lock_timeout or runs
// longer than statement_timeout, so no request holds a thread for minutes.
Status enter_scope(db::Connection& conn, const std::optional<std::string>& tenant,
                   const db::TenantClaimKey& claims, std::chrono::milliseconds statement_timeout,
                   std::chrono::milliseconds lock_timeout) {
    auto r = conn.query("entering the request scope",
                        tenant ? "SELECT set_config('role', 'contractsync_tenant', true), "
                                 "set_config('contractsync.tenant_id', $1, true), "
                                 "set_config('statement_timeout', $2, true), "
                                 "set_config('lock_timeout', $3, true)"
                               : "SELECT set_config('role', 'contractsync_staff', true), "
                                 "set_config('contractsync.tenant_id', $1, true), "
                                 "set_config('statement_timeout', $2, true), "
                                 "set_config('lock_timeout', $3, true)",
                        db::Params()
                            .text(tenant ? claims.sign_for(*tenant) : "")
                            .text(std::to_string(statement_timeout.count()))
                            .text(std::to_string(lock_timeout.count())));
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

std::string retry_seconds(std::chrono::milliseconds d) {
    return std::to_string(std::max<std::int64_t>(
        1, std::chrono::duration_cast<std::chrono::seconds>(d + std::chrono::milliseconds(999))
               .count()));
}

// A failed request whose database work ran into a time limit: 409 when a lock
// was not granted in time (work in progress holds it, e.g. a reconciliation
// run), 503 when a statement ran out of time; both say when to come back.
Reply refine_failure(Reply reply, const db::Connection& conn, const ApiEnv& env,
                     std::chrono::milliseconds statement_timeout) {
    const auto& state = conn.last_sqlstate();
    if (state == "55P03") {
        auto r = Reply::error(
            409, fmt::format("the data this request changes is locked by work in progress (for "
                             "example a reconciliation run) and stayed locked for {} ms; try "
                             "again shortly",
                             env.lock_timeout.count()));
        r.headers.emplace_back("Retry-After", retry_seconds(env.lock_timeout));
        return r;
    }
    if (state == "57014") {
        auto r = Reply::error(
            503, fmt::format("the request took longer than its {} ms limit; try again later",
                             statement_timeout.count()));
        r.headers.emplace_back("Retry-After", "5");
        return r;
    }
    return reply;
}

}  // namespace

server::HttpResponse Dispatcher::handle(const server::HttpRequest& request) const {
    auto started = std::chrono::steady_clock::now();
    Reply reply;
    try {
        reply = dispatch(request);
    } catch (const std::exception& e) {
        spdlog::error("api: {} {}: {}", request.method, request.path, e.what());
        reply = Reply::error(500, "internal error; see the relay log");
    }
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
    spdlog::log(reply.status >= 500 ? spdlog::level::warn : spdlog::level::debug,
                "api: {} {} -> {} ({:.1f} ms)", request.method, request.path, reply.status, ms);
    return finish(std::move(reply));
}

server::HttpResponse Dispatcher::finish(Reply reply) {
    if (reply.status == 503 || reply.status == 429) {
        bool has = false;
        for (const auto& [name, value] : reply.headers) {
            has = has || name == "Retry-After";
        }
        if (!has) {
            reply.headers.emplace_back("Retry-After", "5");
        }
    }
    auto response = reply.to_http();
    response.headers.emplace_back("Cache-Control", "no-store");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return response;
}

Authenticated Dispatcher::admit_caller(const server::HttpRequest& request,
                                       const Route& route) const {
    Authenticated a;
    {
        auto lease = env_.owner_pool->acquire(env_.acquire_timeout);
        if (!lease) {
            a.failure = Reply::from(lease.error());
            return a;
        }
        a = authenticate(**lease, request, env_);
        if (a.failure) {
            return a;
        }
    }
    const Principal& principal = *a.principal;
    if ((route.roles & principal.role) == 0) {
        a.failure = forbidden(fmt::format("your role ({}) may not call {} {}",
                                          role_name(principal.role), route.method, route.path));
    } else if ((route.scope & principal.scopes) == 0) {
        a.failure = forbidden(fmt::format(
            "this API token lacks the '{}' scope that {} {} needs; create a token with it",
            scope_name(static_cast<Scope>(route.scope)), route.method, route.path));
    } else if (is_mutation(request.method) && !principal.via_token &&
               !same_secret(request.header("x-csrf-token"), principal.csrf_token)) {
        a.failure = forbidden(
            "missing or wrong X-CSRF-Token header (the token comes with login and "
            "GET /api/v1/auth/me)");
    } else {
        a.tenant = principal.tenant_id;
        auto selected = principal.staff() ? request.header("x-tenant-id") : std::string_view();
        if (!selected.empty() && !is_uuid(selected)) {
            a.failure = bad_request("X-Tenant-Id must be a tenant id (a UUID)");
        } else if (!selected.empty()) {
            a.tenant = std::string(selected);
        }
    }
    return a;
}

std::optional<server::HttpResponse> Dispatcher::admit(const server::HttpRequest& request) const {
    auto match = routes_->find(request.method, request.path);
    if (match.route == nullptr || match.route->access == Access::open) {
        return std::nullopt;  // dispatch() answers these with the body read
    }
    std::optional<Reply> refusal;
    try {
        auto a = admit_caller(request, *match.route);
        refusal = std::move(a.failure);
        // Full now: not worth reading the body to learn so. (A slot freed
        // meanwhile is taken when the body has arrived, or the 429 comes then.)
        if (!refusal && match.route->heavy && env_.heavy != nullptr &&
            env_.heavy->full(heavy_key(a))) {
            refusal = too_much_heavy_work();
        }
    } catch (const std::exception& e) {
        spdlog::error("api: {} {}: {}", request.method, request.path, e.what());
        refusal = Reply::error(500, "internal error; see the relay log");
    }
    if (!refusal) {
        return std::nullopt;
    }
    spdlog::debug("api: {} {} -> {} before its body", request.method, request.path,
                  refusal->status);
    return finish(std::move(*refusal));
}

Reply Dispatcher::dispatch(const server::HttpRequest& request) const {
    auto match = routes_->find(request.method, request.path);
    if (match.route == nullptr) {
        return match.status == 405
                   ? Reply::error(
                         405, fmt::format("{} is not allowed on {}", request.method, request.path))
                   : Reply::error(404, fmt::format("no API route {}", request.path));
    }
    const Route& route = *match.route;
    auto query = Query::parse(request.query);
    if (!query) {
        return Reply::from(query.error());
    }
    if (route.access == Access::open) {
        auto lease = env_.owner_pool->acquire(env_.acquire_timeout);
        if (!lease) {
            return Reply::from(lease.error());
        }
        RequestContext ctx(request, *query, std::move(match.params), **lease, env_);
        auto reply = route.handler(ctx);
        for (auto& h : ctx.reply_headers) {
            reply.headers.push_back(std::move(h));
        }
        return reply;
    }

    // Authenticate on an owner connection, then run the handler on a scoped one.
    auto a = admit_caller(request, route);
    if (a.failure) {
        return std::move(*a.failure);
    }
    // Heavy work is capped per tenant and in all, so that it never occupies
    // the threads interactive requests need; over the cap it is refused now.
    std::optional<server::KeyedLimiter::Permit> heavy_permit;
    if (route.heavy && env_.heavy != nullptr) {
        heavy_permit = env_.heavy->try_acquire(heavy_key(a));
        if (!heavy_permit) {
            return too_much_heavy_work();
        }
    }
    std::optional<Principal> principal = std::move(a.principal);
    std::optional<std::string> tenant = std::move(a.tenant);
    auto statement_timeout = route.heavy ? env_.heavy_statement_timeout : env_.statement_timeout;

    auto* pool = tenant || env_.staff_pool == nullptr ? env_.scoped_pool : env_.staff_pool;
    auto lease = pool->acquire(env_.acquire_timeout);
    if (!lease) {
        return Reply::from(lease.error());
    }
    auto& conn = **lease;
    auto tx = db::Transaction::begin(conn);
    if (!tx) {
        return Reply::from(tx.error());
    }
    if (auto s = enter_scope(conn, tenant, env_.claim_key, statement_timeout, env_.lock_timeout);
        !s) {
        return Reply::from(s.error());
    }
    conn.clear_last_sqlstate();
    RequestContext ctx(request, *query, std::move(match.params), conn, env_);
    ctx.principal = std::move(principal);
    ctx.tenant = std::move(tenant);
    auto reply = route.handler(ctx);
    if (!reply.ok()) {
        // The transaction rolls back.
        return refine_failure(std::move(reply), conn, env_, statement_timeout);
    }
    if (auto s = tx->commit(); !s) {
        spdlog::warn("api: {} {}: {}", request.method, request.path, s.error().message);
        return refine_failure(Reply::from(s.error()), conn, env_, statement_timeout);
    }
    for (auto& h : ctx.reply_headers) {
        reply.headers.push_back(std::move(h));
    }
    return reply;
}

}  // namespace cs::relay::api

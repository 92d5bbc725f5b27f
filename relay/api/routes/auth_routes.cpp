// POST /auth/login, POST /auth/logout, GET /auth/me.
#include <fmt/format.h>

#include "common/version/version.hpp"
#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"

namespace cs::relay::api::routes {
namespace {

std::string session_cookie(const ApiEnv& env, std::string_view value,
                           std::chrono::seconds max_age) {
    return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                       auth::kSessionCookie, value, max_age.count(),
                       env.secure_cookies ? "; Secure" : "");
}

nlohmann::json user_json(const Principal& p) {
    return {{"user_id", p.user_id},
            {"email", p.email},
            {"display_name", p.display_name},
            {"tenant_id", p.tenant_id ? nlohmann::json(*p.tenant_id) : nlohmann::json(nullptr)},
            {"kind", p.staff() ? "staff" : "tenant"},
            {"role", p.role_column}};
}

// A refused sign-in in the audit log, under the account it tried: its tenant's
// admins see attempts on their users, staff see all. What was typed is kept
// only when it names an account, so a password typed into the e-mail field
// never reaches the log; the client is told the same in every case.
Status audit_failed_login(RequestContext& ctx, const std::string& email) {
    auto r = ctx.db.query("looking up the account of a failed sign-in",
                          "SELECT user_id::text, tenant_id::text, email, disabled_at IS NOT NULL "
                          "FROM users WHERE lower(email) = lower($1)",
                          db::Params().text(email));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() != 1) {
        return ctx.audit_all({AuditEntry{"auth.login.failed",
                                         "user",
                                         "",
                                         nullptr,
                                         {{"reason", "no account has this e-mail address"}}}},
                             std::nullopt, AuditActor{std::nullopt, "unknown e-mail address"});
    }
    std::optional<std::string> tenant;
    if (!r->is_null(0, 1)) {
        tenant = std::string(r->text(0, 1));
    }
    auto reason = r->boolean(0, 3) ? "the account is disabled" : "wrong password";
    return ctx.audit_all({AuditEntry{"auth.login.failed",
                                     "user",
                                     std::string(r->text(0, 0)),
                                     nullptr,
                                     {{"reason", reason}}}},
                         tenant,
                         AuditActor{std::string(r->text(0, 0)), std::string(r->text(0, 2))});
}

Reply login(RequestContext& ctx) {
    auto body = ctx.body();
    if (!body) {
        return Reply::from(body.error());
    }
    auto email = string_field(*body, "email", true, 254);
    auto password = string_field(*body, "password", true, 1024);
    if (!email || !password) {
        return Reply::from(!email ? email.error() : password.error());
    }
    auth::LoginRequest request{**email, **password, ctx.http.remote_address,
                               std::string(ctx.http.header("user-agent"))};
    auto outcome = auth::login(ctx.db, request, ctx.env.auth);
    if (!outcome) {
        return Reply::from(outcome.error());
    }
    if (outcome->kind == auth::LoginOutcome::Kind::throttled) {
        auto r = Reply::error(429, fmt::format("too many failed logins; try again in {} seconds",
                                               outcome->retry_after.count()));
        r.headers.emplace_back("Retry-After", std::to_string(outcome->retry_after.count()));
        return r;
    }
    if (outcome->kind == auth::LoginOutcome::Kind::rejected) {
        if (auto s = audit_failed_login(ctx, **email); !s) {
            return Reply::from(s.error());
        }
        return Reply::error(401, "wrong e-mail or password");
    }
    const auto& p = outcome->principal;
    ctx.principal = p;
    if (auto s = ctx.audit("auth.login", "session", p.session_id, nullptr, {{"user_id", p.user_id}},
                           p.tenant_id);
        !s) {
        return Reply::from(s.error());
    }
    auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(ctx.env.auth.session_lifetime);
    ctx.reply_headers.emplace_back("Set-Cookie",
                                   session_cookie(ctx.env, outcome->session_token, lifetime));
    return Reply::json(
        {{"user", user_json(p)},
         {"csrf_token", p.csrf_token},
         {"session_idle_seconds",
          std::chrono::duration_cast<std::chrono::seconds>(ctx.env.auth.session_idle).count()}});
}

Reply logout(RequestContext& ctx) {
    const auto& p = ctx.who();
    if (p.via_token) {
        return bad_request("API tokens have no session; revoke the token to stop using it");
    }
    if (auto s = auth::end_session(ctx.db, p.session_id); !s) {
        return Reply::from(s.error());
    }
    if (auto s = ctx.audit("auth.logout", "session", p.session_id, nullptr, nullptr, p.tenant_id);
        !s) {
        return Reply::from(s.error());
    }
    ctx.reply_headers.emplace_back("Set-Cookie",
                                   session_cookie(ctx.env, "", std::chrono::seconds(0)));
    return Reply::no_content();
}

// The release a build belongs to, without its build metadata ("0.1.0" of
// "0.1.0+g1a2b3c"): the version of the agent packages made with this relay,
// which the portal names in its install instructions.
std::string release_of(std::string_view version) {
    return std::string(version.substr(0, version.find('+')));
}

Reply me(RequestContext& ctx) {
    const auto& p = ctx.who();
    nlohmann::json out = {
        {"user", user_json(p)},
        {"role", role_name(p.role)},
        {"via", p.via_token ? "token" : "session"},
        {"scope_tenant_id", ctx.tenant ? nlohmann::json(*ctx.tenant) : nlohmann::json(nullptr)},
        {"release", release_of(cs::version())}};
    if (!p.via_token) {
        out["csrf_token"] = p.csrf_token;
    }
    if (ctx.tenant) {
        auto t = ctx.db.query("reading the tenant",
                              "SELECT name FROM tenants WHERE tenant_id = "
                              "$1::uuid",
                              db::Params().text(*ctx.tenant));
        if (!t) {
            return Reply::from(t.error());
        }
        out["scope_tenant_name"] =
            t->rows() ? nlohmann::json(std::string(t->text(0, 0))) : nlohmann::json(nullptr);
    }
    return Reply::json(std::move(out));
}

}  // namespace

void add_auth_routes(RouteTable& t) {
    t.add({"POST", "/api/v1/auth/login", 0, Access::open, login,
           "Log in; sets the session cookie and returns the CSRF token"});
    t.add({"POST", "/api/v1/auth/logout", kAnyone, Access::scoped, logout, "End this session"});
    t.add({"GET", "/api/v1/auth/me", kAnyone, Access::scoped, me,
           "The caller, their role, scope and CSRF token"});
}

}  // namespace cs::relay::api::routes

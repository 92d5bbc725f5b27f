// API tokens: GET/POST /tokens, DELETE /tokens/{token_id}. A token acts as the
// user who created it, with that user's role; it is shown once.
#include <fmt/format.h>

#include "common/uuid/uuid.hpp"
#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/sites/site_key.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::string_view kTokenJson =
    "json_build_object('token_id', t.token_id, 'name', t.name, 'prefix', t.token_prefix, "
    "'user_id', t.user_id, 'email', u.email, 'tenant_id', t.tenant_id, 'created_at', "
    "t.created_at, 'expires_at', t.expires_at, 'last_used_at', t.last_used_at, 'revoked', "
    "t.revoked_at IS NOT NULL, 'scopes', to_jsonb(t.scopes))";

bool is_admin(const Principal& p) {
    return p.role == kTenantAdmin || p.role == kStaffAdmin;
}

// "scopes": names of Scope, ["read"] when absent; as stored, comma-separated.
Expected<std::string> requested_scopes(const nlohmann::json& body) {
    auto it = body.find("scopes");
    if (it == body.end() || it->is_null()) {
        return std::string(scope_name(kScopeRead));
    }
    if (!it->is_array() || it->empty()) {
        return make_error(ErrorCode::invalid_argument,
                          "'scopes' must be a non-empty list of: read, recon:write, admin");
    }
    Scopes seen = 0;
    for (const auto& v : *it) {
        auto scope = v.is_string() ? scope_from(v.get<std::string>()) : std::nullopt;
        if (!scope) {
            return make_error(ErrorCode::invalid_argument,
                              "'scopes': {} is not a scope; use read, recon:write or admin",
                              v.dump());
        }
        seen |= *scope;
    }
    std::string out;
    for (auto scope : kEveryScope) {
        if ((seen & scope) != 0) {
            out += (out.empty() ? "" : ",") + std::string(scope_name(scope));
        }
    }
    return out;
}

// The tenant's limit on token lifetimes, or the relay's.
Expected<std::int64_t> max_lifetime_days(RequestContext& ctx) {
    std::int64_t days = ctx.env.max_token_lifetime_days;
    if (!ctx.tenant) {
        return days;
    }
    auto r = ctx.db.query("reading the tenant's token lifetime",
                          "SELECT max_token_lifetime_days FROM tenant_settings WHERE tenant_id = "
                          "$1::uuid AND max_token_lifetime_days IS NOT NULL",
                          db::Params().text(*ctx.tenant));
    if (!r) {
        return std::move(r).error();
    }
    return r->rows() == 1 ? std::min<std::int64_t>(days, r->integer(0, 0)) : days;
}

Reply list_tokens(RequestContext& ctx) {
    auto page = ctx.page();
    if (!page) {
        return Reply::from(page.error());
    }
    // Admins see every token in scope; everyone else their own.
    auto rows = json_rows(
        ctx.db, "listing API tokens",
        fmt::format("SELECT {} FROM api_tokens t JOIN users u ON u.user_id = t.user_id WHERE "
                    "($1 OR t.user_id = $2::uuid) AND ($3 = '' OR t.tenant_id = "
                    "nullif($3, '')::uuid) AND ($4 = '' OR t.token_id < nullif($4, '')::uuid) "
                    "ORDER BY t.token_id DESC LIMIT $5",
                    kTokenJson),
        db::Params()
            .boolean(is_admin(ctx.who()))
            .text(ctx.who().user_id)
            .text(ctx.tenant.value_or(""))
            .text(cursor_part(*page, 0))
            .integer(page->fetch()));
    return page_reply(std::move(rows), *page, {"token_id"});
}

Reply create_token(RequestContext& ctx) {
    // A leaked token must not be able to make itself a successor.
    if (ctx.who().via_token) {
        return forbidden("an API token cannot create API tokens; sign in to create one");
    }
    auto body = ctx.body();
    if (!body) {
        return Reply::from(body.error());
    }
    if (auto s = only_fields(*body, {"name", "expires_in_days", "scopes"}); !s) {
        return Reply::from(s.error());
    }
    auto name = string_field(*body, "name", true, 100);
    if (!name) {
        return Reply::from(name.error());
    }
    auto scopes = requested_scopes(*body);
    if (!scopes) {
        return Reply::from(scopes.error());
    }
    auto max_days = max_lifetime_days(ctx);
    if (!max_days) {
        return Reply::from(max_days.error());
    }
    // Every token expires: by default after 90 days or the maximum, if shorter.
    std::int64_t days = std::min<std::int64_t>(90, *max_days);
    if (auto it = body->find("expires_in_days"); it != body->end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
            it->get<std::int64_t>() > *max_days) {
            return bad_request(fmt::format(
                "'expires_in_days' must be an integer from 1 to {} (the longest token lifetime "
                "{})",
                *max_days,
                ctx.tenant ? "this tenant allows (settings: max_token_lifetime_days)"
                           : "the relay allows (api.max_token_lifetime_days)"));
        }
        days = it->get<std::int64_t>();
    }
    auto token = sites::generate_secret_token(auth::kApiTokenPrefix);
    if (!token) {
        return Reply::from(token.error());
    }
    auto id = uuid_v7().to_string();
    const auto& p = ctx.who();
    auto r = ctx.db.query(
        "creating the API token",
        "INSERT INTO api_tokens (token_id, token_hash, token_prefix, user_id, tenant_id, name, "
        "expires_at, scopes) VALUES ($1::uuid, $2, $3, $4::uuid, $5::uuid, $6, now() + $7::int * "
        "interval '1 day', string_to_array($8, ','))",
        db::Params()
            .text(id)
            .bytea(token->hash)
            .text(token->display)
            .text(p.user_id)
            .optional_text(p.tenant_id)
            .text(**name)
            .integer(days)
            .text(*scopes));
    if (!r) {
        return Reply::from(r.error());
    }
    auto created = json_row(
        ctx.db, "reading the API token",
        fmt::format("SELECT {} FROM api_tokens t JOIN users u ON u.user_id = t.user_id WHERE "
                    "t.token_id = $1::uuid",
                    kTokenJson),
        db::Params().text(id), "the new token vanished");
    if (!created) {
        return Reply::from(created.error());
    }
    if (auto s = ctx.audit("token.create", "api_token", id, nullptr, *created, p.tenant_id); !s) {
        return Reply::from(s.error());
    }
    auto out = *created;
    out["token"] = token->key;  // the only time it is shown
    return Reply::created(std::move(out));
}

Reply revoke_token(RequestContext& ctx) {
    auto id = uuid_param(ctx, "token_id");
    if (!id) {
        return Reply::from(id.error());
    }
    auto before = json_row(
        ctx.db, "reading the API token",
        fmt::format("SELECT {} FROM api_tokens t JOIN users u ON u.user_id = t.user_id WHERE "
                    "t.token_id = $1::uuid AND ($2 OR t.user_id = $3::uuid)",
                    kTokenJson),
        db::Params().text(*id).boolean(is_admin(ctx.who())).text(ctx.who().user_id),
        fmt::format("no API token with id {}", *id));
    if (!before) {
        return Reply::from(before.error());
    }
    auto r = ctx.db.query("revoking the API token",
                          "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE "
                          "token_id = $1::uuid",
                          db::Params().text(*id));
    if (!r) {
        return Reply::from(r.error());
    }
    std::optional<std::string> tenant;
    if ((*before)["tenant_id"].is_string()) {
        tenant = (*before)["tenant_id"].get<std::string>();
    }
    if (auto s = ctx.audit("token.revoke", "api_token", *id, *before, {{"revoked", true}}, tenant);
        !s) {
        return Reply::from(s.error());
    }
    return Reply::no_content();
}

}  // namespace

void add_token_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/tokens", kAnyone, Access::scoped, list_tokens,
           "API tokens: your own, or every token in scope for admins"});
    t.add({"POST", "/api/v1/tokens", kAnyone, Access::scoped, create_token,
           "Create an API token acting as you; the token is returned once"});
    t.add({"DELETE", "/api/v1/tokens/{token_id}", kAnyone, Access::scoped, revoke_token,
           "Revoke an API token (your own, or any in scope for admins)"});
}

}  // namespace cs::relay::api::routes

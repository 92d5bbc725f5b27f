// Users and roles: GET/POST /users, GET/PATCH/DELETE /users/{user_id}.
#include <fmt/format.h>

#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::string_view kUserJson =
    "json_build_object('user_id', u.user_id, 'tenant_id', u.tenant_id, 'email', u.email, "
    "'display_name', u.display_name, 'role', u.role, 'kind', CASE WHEN u.tenant_id IS NULL THEN "
    "'staff' ELSE 'tenant' END, 'disabled', u.disabled_at IS NOT NULL, 'created_at', "
    "u.created_at, 'last_login_at', u.last_login_at)";

Expected<nlohmann::json> load_user(RequestContext& ctx, const std::string& id) {
    return json_row(ctx.db, "reading the user",
                    fmt::format("SELECT {} FROM users u WHERE u.user_id = $1::uuid", kUserJson),
                    db::Params().text(id), fmt::format("no user with id {}", id));
}

Reply list_users(RequestContext& ctx) {
    auto page = ctx.page();
    if (!page) {
        return Reply::from(page.error());
    }
    // Row-level security limits tenant admins to their tenant; the explicit
    // filter also scopes staff who selected a tenant.
    auto rows = json_rows(
        ctx.db, "listing users",
        fmt::format("SELECT {} FROM users u WHERE ($1 = '' OR u.tenant_id = nullif($1, '')::uuid) "
                    "AND ($2 = '' OR (lower(u.email), u.user_id) > ($2, nullif($3, '')::uuid)) "
                    "AND ($4 = '' OR u.role = $4) ORDER BY lower(u.email), u.user_id LIMIT $5",
                    kUserJson),
        db::Params()
            .text(ctx.tenant.value_or(""))
            .text(cursor_part(*page, 0))
            .text(cursor_part(*page, 1))
            .text(filter(ctx, "role"))
            .integer(page->fetch()));
    return page_reply(std::move(rows), *page, [](const nlohmann::json& u) {
        std::string email = u["email"];
        for (auto& c : email) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return nlohmann::json::array({email, u["user_id"]});
    });
}

Reply create_user(RequestContext& ctx) {
    auto body = ctx.body();
    if (!body) {
        return Reply::from(body.error());
    }
    if (auto s = only_fields(*body, {"email", "display_name", "role", "password", "tenant_id"});
        !s) {
        return Reply::from(s.error());
    }
    auto email = string_field(*body, "email", true, 254);
    auto name = string_field(*body, "display_name", false);
    auto role = string_field(*body, "role", true, 32);
    auto password = string_field(*body, "password", true, 1024);
    for (const auto* f : {&email, &name, &role, &password}) {
        if (!*f) {
            return Reply::from(f->error());
        }
    }
    auth::NewUser user;
    user.email = **email;
    user.display_name = name->value_or("");
    user.role = **role;
    user.password = **password;
    if (ctx.tenant || body->contains("tenant_id")) {
        auto tenant = ctx.target_tenant(*body);
        if (!tenant) {
            return Reply::from(tenant.error());
        }
        user.tenant_id = *tenant;
    } else if (ctx.who().role != kStaffAdmin) {
        return forbidden("only platform admins create staff users");
    }
    auto id = auth::create_user(ctx.db, user, ctx.env.auth.cost);
    if (!id) {
        return Reply::from(id.error());
    }
    auto created = load_user(ctx, *id);
    if (!created) {
        return Reply::from(created.error());
    }
    if (auto s = ctx.audit("user.create", "user", *id, nullptr, *created, user.tenant_id); !s) {
        return Reply::from(s.error());
    }
    return Reply::created(std::move(*created));
}

Reply get_user(RequestContext& ctx) {
    auto id = uuid_param(ctx, "user_id");
    if (!id) {
        return Reply::from(id.error());
    }
    auto user = load_user(ctx, *id);
    return user ? Reply::json(std::move(*user)) : Reply::from(user.error());
}

std::optional<std::string> tenant_of(const nlohmann::json& user) {
    if (user["tenant_id"].is_string()) {
        return user["tenant_id"].get<std::string>();
    }
    return std::nullopt;
}

Reply update_user(RequestContext& ctx) {
    auto id = uuid_param(ctx, "user_id");
    auto body = ctx.body();
    if (!id || !body) {
        return Reply::from(!id ? id.error() : body.error());
    }
    if (auto s = only_fields(*body, {"display_name", "role", "disabled", "password"}); !s) {
        return Reply::from(s.error());
    }
    auto before = load_user(ctx, *id);
    if (!before) {
        return Reply::from(before.error());
    }
    bool self = *id == ctx.who().user_id;
    if (!ctx.who().staff() && (*before)["kind"] == "staff") {
        return not_found(fmt::format("no user with id {}", *id));
    }
    auto name = string_field(*body, "display_name", false);
    auto role = string_field(*body, "role", false, 32);
    auto password = string_field(*body, "password", false, 1024);
    if (!name || !role || !password) {
        return Reply::from(!name ? name.error() : !role ? role.error() : password.error());
    }
    std::optional<bool> disabled;
    if (auto it = body->find("disabled"); it != body->end()) {
        if (!it->is_boolean()) {
            return bad_request("'disabled' must be true or false");
        }
        disabled = it->get<bool>();
    }
    if (self && ((*role && **role != (*before)["role"]) || disabled.value_or(false))) {
        return conflict("you cannot change your own role or disable yourself; ask another admin");
    }
    bool staff_target = (*before)["kind"] == "staff";
    if (staff_target && ctx.who().role != kStaffAdmin) {
        return forbidden("only platform admins change staff users");
    }
    if (*role && !role_from(staff_target, **role)) {
        return bad_request(fmt::format(
            "role '{}' does not exist for {}", **role,
            staff_target ? "staff (operator, admin)" : "tenant users (admin, analyst, viewer)"));
    }
    std::optional<std::string> hash;
    if (*password) {
        if (auto s = check_password_policy(**password); !s) {
            return Reply::from(s.error());
        }
        auto h = hash_password(**password, ctx.env.auth.cost);
        if (!h) {
            return Reply::from(h.error());
        }
        hash = *h;
    }
    auto r = ctx.db.query(
        "updating the user",
        "UPDATE users SET display_name = coalesce($2, display_name), role = coalesce($3, role), "
        "password_hash = coalesce($4, password_hash), disabled_at = CASE WHEN $5 = '' THEN "
        "disabled_at WHEN $5 = 'true' THEN coalesce(disabled_at, now()) ELSE NULL END "
        "WHERE user_id = $1::uuid",
        db::Params().text(*id).optional_text(*name).optional_text(*role).optional_text(hash).text(
            disabled ? (*disabled ? "true" : "false") : ""));
    if (!r) {
        return Reply::from(r.error());
    }
    // A changed role, password or a disabled account takes effect at once.
    if (*role || hash || disabled.value_or(false)) {
        if (auto s = auth::end_user_sessions(ctx.db, *id); !s) {
            return Reply::from(s.error());
        }
    }
    if (hash || disabled.value_or(false)) {
        if (auto s = auth::revoke_user_tokens(ctx.db, *id); !s) {
            return Reply::from(s.error());
        }
    }
    auto after = load_user(ctx, *id);
    if (!after) {
        return Reply::from(after.error());
    }
    auto audit_after = *after;
    if (hash) {
        audit_after["password_changed"] = true;
    }
    if (auto s = ctx.audit("user.update", "user", *id, *before, audit_after, tenant_of(*after));
        !s) {
        return Reply::from(s.error());
    }
    return Reply::json(std::move(*after));
}

Reply delete_user(RequestContext& ctx) {
    auto id = uuid_param(ctx, "user_id");
    if (!id) {
        return Reply::from(id.error());
    }
    if (*id == ctx.who().user_id) {
        return conflict("you cannot delete yourself; ask another admin");
    }
    auto before = load_user(ctx, *id);
    if (!before) {
        return Reply::from(before.error());
    }
    if ((*before)["kind"] == "staff" && ctx.who().role != kStaffAdmin) {
        return not_found(fmt::format("no user with id {}", *id));
    }
    auto r = ctx.db.query("deleting the user", "DELETE FROM users WHERE user_id = $1::uuid",
                          db::Params().text(*id));
    if (!r) {
        return Reply::from(r.error());
    }
    if (auto s = ctx.audit("user.delete", "user", *id, *before, nullptr, tenant_of(*before)); !s) {
        return Reply::from(s.error());
    }
    return Reply::no_content();
}

}  // namespace

void add_user_routes(RouteTable& t) {
    constexpr Roles kAdmins = kTenantAdmin | kStaffAdmin;
    t.add({"GET", "/api/v1/users", kTenantAdmin | kStaff, Access::scoped, list_users,
           "Users of the tenant in scope (staff without a tenant: every user)"});
    t.add({"POST", "/api/v1/users", kAdmins, Access::scoped, create_user,
           "Create a tenant user, or a staff user (platform admins, no tenant)"});
    t.add({"GET", "/api/v1/users/{user_id}", kTenantAdmin | kStaff, Access::scoped, get_user,
           "One user"});
    t.add({"PATCH", "/api/v1/users/{user_id}", kAdmins, Access::scoped, update_user,
           "Change a user's name, role, password or disabled state"});
    t.add({"DELETE", "/api/v1/users/{user_id}", kAdmins, Access::scoped, delete_user,
           "Delete a user with their sessions and tokens"});
}

}  // namespace cs::relay::api::routes

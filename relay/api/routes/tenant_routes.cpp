// Tenants (staff) and each tenant's settings: alert thresholds and webhook.
#include <fmt/format.h>

#include "relay/alerts/webhook_secret.hpp"
#include "relay/alerts/webhook_target.hpp"
#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/sites/sites.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::string_view kTenantJson =
    "json_build_object('tenant_id', t.tenant_id, 'name', t.name, 'created_at', t.created_at, "
    "'sites', (SELECT count(*) FROM sites s WHERE s.tenant_id = t.tenant_id AND s.revoked_at IS "
    "NULL), 'users', (SELECT count(*) FROM users u WHERE u.tenant_id = t.tenant_id))";

constexpr std::string_view kSettingsJson =
    "json_build_object('tenant_id', t.tenant_id, 'offline_after_seconds', "
    "coalesce(s.offline_after_seconds, 300), 'lag_alert_seconds', coalesce(s.lag_alert_seconds, "
    "3600), 'failing_runs_alert', coalesce(s.failing_runs_alert, 3), 'alert_webhook_url', "
    "s.alert_webhook_url, 'webhook_signing', s.webhook_secret IS NOT NULL, "
    "'webhook_secret_created_at', s.webhook_secret_created_at, 'webhook_previous_secret_until', "
    "CASE WHEN s.webhook_previous_until > now() THEN s.webhook_previous_until END, "
    "'max_token_lifetime_days', s.max_token_lifetime_days)";

// Webhook signing secrets are sealed with the relay's key; without one, a
// webhook could only be unsigned, so none can be set. The message is the
// reply's (503): what the operator must do, no database detail.
std::optional<Reply> without_sealing_key(const RequestContext& ctx) {
    if (ctx.env.sealing_key != nullptr) {
        return std::nullopt;
    }
    return Reply::error(503,
                        "alert webhooks are not available: this relay has no key to seal their "
                        "signing secrets (its operator must set secrets.key_file or data_dir; "
                        "docs/relay.md, \"Sealing key\")");
}

Reply list_tenants(RequestContext& ctx) {
    auto page = ctx.page();
    if (!page) {
        return Reply::from(page.error());
    }
    auto rows = json_rows(ctx.db, "listing tenants",
                          fmt::format("SELECT {} FROM tenants t WHERE ($1 = '' OR t.name > $1) "
                                      "ORDER BY t.name LIMIT $2",
                                      kTenantJson),
                          db::Params().text(cursor_part(*page, 0)).integer(page->fetch()));
    return page_reply(std::move(rows), *page, {"name"});
}

Expected<nlohmann::json> load_tenant(RequestContext& ctx, const std::string& id) {
    return json_row(
        ctx.db, "reading the tenant",
        fmt::format("SELECT {} FROM tenants t WHERE t.tenant_id = $1::uuid", kTenantJson),
        db::Params().text(id), fmt::format("no tenant with id {}", id));
}

Reply create_tenant(RequestContext& ctx) {
    auto body = ctx.body();
    if (!body) {
        return Reply::from(body.error());
    }
    if (auto s = only_fields(*body, {"name"}); !s) {
        return Reply::from(s.error());
    }
    auto name = string_field(*body, "name", true);
    if (!name) {
        return Reply::from(name.error());
    }
    auto tenant = sites::create_tenant(ctx.db, **name);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto r = ctx.db.query("creating the tenant's settings",
                          "INSERT INTO tenant_settings (tenant_id) VALUES ($1::uuid)",
                          db::Params().text(tenant->tenant_id));
    if (!r) {
        return Reply::from(r.error());
    }
    auto created = load_tenant(ctx, tenant->tenant_id);
    if (!created) {
        return Reply::from(created.error());
    }
    if (auto s = ctx.audit("tenant.create", "tenant", tenant->tenant_id, nullptr, *created,
                           tenant->tenant_id);
        !s) {
        return Reply::from(s.error());
    }
    return Reply::created(std::move(*created));
}

Reply get_tenant(RequestContext& ctx) {
    auto id = uuid_param(ctx, "tenant_id");
    if (!id) {
        return Reply::from(id.error());
    }
    auto t = load_tenant(ctx, *id);
    return t ? Reply::json(std::move(*t)) : Reply::from(t.error());
}

Expected<nlohmann::json> load_settings(RequestContext& ctx) {
    if (!ctx.tenant) {
        return make_error(ErrorCode::invalid_argument,
                          "settings belong to a tenant: select one with the X-Tenant-Id header");
    }
    return json_row(ctx.db, "reading the settings",
                    fmt::format("SELECT {} FROM tenants t LEFT JOIN tenant_settings s ON "
                                "s.tenant_id = t.tenant_id WHERE t.tenant_id = $1::uuid",
                                kSettingsJson),
                    db::Params().text(*ctx.tenant), "no such tenant");
}

Reply get_settings(RequestContext& ctx) {
    auto s = load_settings(ctx);
    return s ? Reply::json(std::move(*s)) : Reply::from(s.error());
}

Expected<std::optional<std::int64_t>> int_field(const nlohmann::json& body, std::string_view name,
                                                std::int64_t min, std::int64_t max) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
        return std::optional<std::int64_t>();
    }
    if (!it->is_number_integer() || it->get<std::int64_t>() < min ||
        it->get<std::int64_t>() > max) {
        return make_error(ErrorCode::invalid_argument, "'{}' must be an integer from {} to {}",
                          name, min, max);
    }
    return std::optional<std::int64_t>(it->get<std::int64_t>());
}

Reply update_settings(RequestContext& ctx) {
    auto body = ctx.body();
    if (!body) {
        return Reply::from(body.error());
    }
    if (auto s =
            only_fields(*body, {"offline_after_seconds", "lag_alert_seconds", "failing_runs_alert",
                                "alert_webhook_url", "max_token_lifetime_days"});
        !s) {
        return Reply::from(s.error());
    }
    auto before = load_settings(ctx);
    if (!before) {
        return Reply::from(before.error());
    }
    auto offline = int_field(*body, "offline_after_seconds", 30, 30 * 86400);
    auto lag = int_field(*body, "lag_alert_seconds", 60, 30 * 86400);
    auto failing = int_field(*body, "failing_runs_alert", 1, 100);
    auto url = string_field(*body, "alert_webhook_url", false, 2048);
    auto lifetime = int_field(*body, "max_token_lifetime_days", 1, 3650);
    if (!offline || !lag || !failing || !url || !lifetime) {
        return Reply::from(!offline   ? offline.error()
                           : !lag     ? lag.error()
                           : !failing ? failing.error()
                           : !url     ? url.error()
                                      : lifetime.error());
    }
    // Public https only (alerts/webhook_target.hpp); the name is resolved
    // again at every delivery.
    if (auto s = url->value_or("").empty() ? ok() : alerts::check_webhook_url(**url); !s) {
        return Reply::from(s.error());
    }
    // A webhook set where none was gets its signing secret, shown in this
    // reply only.
    bool new_webhook = !url->value_or("").empty() && !(*before)["webhook_signing"].get<bool>();
    if (auto refused = new_webhook ? without_sealing_key(ctx) : std::nullopt) {
        return std::move(*refused);
    }
    auto opt = [](const std::optional<std::int64_t>& v) {
        return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
    };
    bool clear_url = body->contains("alert_webhook_url") &&
                     ((*body)["alert_webhook_url"].is_null() || url->value_or("").empty());
    bool clear_lifetime =
        body->contains("max_token_lifetime_days") && (*body)["max_token_lifetime_days"].is_null();
    auto r = ctx.db.query(
        "updating the settings",
        "INSERT INTO tenant_settings (tenant_id) VALUES ($1::uuid) ON CONFLICT DO NOTHING",
        db::Params().text(*ctx.tenant));
    if (!r) {
        return Reply::from(r.error());
    }
    r = ctx.db.query(
        "updating the settings",
        "UPDATE tenant_settings SET offline_after_seconds = coalesce($2::int, "
        "offline_after_seconds), lag_alert_seconds = coalesce($3::int, lag_alert_seconds), "
        "failing_runs_alert = coalesce($4::int, failing_runs_alert), alert_webhook_url = CASE "
        "WHEN $6 THEN NULL ELSE coalesce($5, alert_webhook_url) END, max_token_lifetime_days = "
        "CASE WHEN $8 THEN NULL ELSE coalesce($7::int, max_token_lifetime_days) END, updated_at "
        "= now() WHERE tenant_id = $1::uuid",
        db::Params()
            .text(*ctx.tenant)
            .optional_text(opt(*offline))
            .optional_text(opt(*lag))
            .optional_text(opt(*failing))
            .optional_text(clear_url ? std::nullopt : *url)
            .boolean(clear_url)
            .optional_text(opt(*lifetime))
            .boolean(clear_lifetime));
    if (!r) {
        return Reply::from(r.error());
    }
    std::optional<std::string> secret;
    if (clear_url) {
        if (auto s = alerts::clear_webhook_secret(ctx.db, *ctx.tenant); !s) {
            return Reply::from(s.error());
        }
    } else if (new_webhook) {
        auto issued =
            alerts::issue_webhook_secret(ctx.db, *ctx.tenant, *ctx.env.sealing_key, false);
        if (!issued) {
            return Reply::from(issued.error());
        }
        secret = std::move(*issued);
    }
    auto after = load_settings(ctx);
    if (!after) {
        return Reply::from(after.error());
    }
    if (auto s = ctx.audit("settings.update", "tenant_settings", *ctx.tenant, *before, *after,
                           ctx.tenant);
        !s) {
        return Reply::from(s.error());
    }
    if (secret) {
        (*after)["webhook_secret"] = std::move(*secret);
    }
    return Reply::json(std::move(*after));
}

// A new signing secret; the one it replaces keeps signing for
// alerts::kPreviousSecretGrace, so receivers can switch without a gap.
Reply rotate_webhook_secret(RequestContext& ctx) {
    auto before = load_settings(ctx);
    if (!before) {
        return Reply::from(before.error());
    }
    if ((*before)["alert_webhook_url"].is_null()) {
        return Reply::from(make_error(ErrorCode::invalid_argument,
                                      "the tenant has no alert webhook: set alert_webhook_url "
                                      "first, which creates its signing secret"));
    }
    if (auto refused = without_sealing_key(ctx)) {
        return std::move(*refused);
    }
    auto issued = alerts::issue_webhook_secret(ctx.db, *ctx.tenant, *ctx.env.sealing_key, true);
    if (!issued) {
        return Reply::from(issued.error());
    }
    auto after = load_settings(ctx);
    if (!after) {
        return Reply::from(after.error());
    }
    if (auto s = ctx.audit("settings.webhook_secret.rotate", "tenant_settings", *ctx.tenant,
                           *before, *after, ctx.tenant);
        !s) {
        return Reply::from(s.error());
    }
    (*after)["webhook_secret"] = std::move(*issued);
    return Reply::json(std::move(*after));
}

}  // namespace

void add_tenant_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/tenants", kStaff, Access::scoped, list_tenants, "Every tenant"});
    t.add(
        {"POST", "/api/v1/tenants", kStaffAdmin, Access::scoped, create_tenant, "Create a tenant"});
    t.add({"GET", "/api/v1/tenants/{tenant_id}", kStaff, Access::scoped, get_tenant, "One tenant"});
    t.add({"GET", "/api/v1/settings", kTenantAdmin | kStaff, Access::scoped, get_settings,
           "The tenant's alert thresholds and webhook"});
    t.add({"PATCH", "/api/v1/settings", kTenantAdmin | kStaffAdmin, Access::scoped, update_settings,
           "Change the tenant's alert thresholds and webhook"});
    t.add({"POST", "/api/v1/settings/webhook-secret", kTenantAdmin | kStaffAdmin, Access::scoped,
           rotate_webhook_secret, "Replace the webhook's signing secret"});
}

}  // namespace cs::relay::api::routes

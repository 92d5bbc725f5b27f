// Notifications (the portal's bell), their e-mail preference, acknowledging
// alerts and the webhook's test delivery (docs/api.md, "Notifications").
#include <fmt/format.h>

#include "relay/alerts/alerts.hpp"
#include "relay/alerts/notifications.hpp"
#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::size_t kMaxIdsPerCall = 500;
constexpr std::int64_t kUnreadCountCap = 1000;

// Which notifications a caller sees ($1 user, $2 tenant scope or '', $3 staff):
// tenant users their tenant's, staff the fleet's (offline or lagging sites)
// of every tenant or of the one selected. Unread: not marked read by this
// user and, for an alert, not acknowledged by anyone.
constexpr std::string_view kVisible =
    "FROM notifications n JOIN tenants t ON t.tenant_id = n.tenant_id LEFT JOIN "
    "notification_reads r ON r.user_id = $1::uuid AND "
    "r.tenant_id = n.tenant_id AND r.notification_id = n.notification_id LEFT JOIN alerts a ON "
    "a.tenant_id = n.tenant_id AND a.alert_id = n.alert_id WHERE ($2 = '' OR n.tenant_id = "
    "nullif($2, '')::uuid) AND (NOT $3 OR n.fleet)";
constexpr std::string_view kUnread = " AND r.user_id IS NULL AND a.acknowledged_at IS NULL";

db::Params visible_params(const RequestContext& ctx) {
    return db::Params()
        .text(ctx.who().user_id)
        .text(ctx.tenant.value_or(""))
        .boolean(ctx.who().staff());
}

Reply list_notifications(RequestContext& ctx) {
    auto page = ctx.page();
    if (!page) {
        return Reply::from(page.error());
    }
    auto unread = filter(ctx, "unread");
    if (!unread.empty() && unread != "true" && unread != "false") {
        return bad_request("'unread' must be true or false");
    }
    auto rows = json_rows(
        ctx.db, "listing notifications",
        fmt::format("SELECT json_build_object('notification_id', n.notification_id, 'tenant_id', "
                    "n.tenant_id, 'tenant_name', t.name, 'kind', n.kind, 'severity', n.severity, "
                    "'site_id', n.site_id, 'alert_id', n.alert_id, 'title', n.title, 'message', "
                    "n.message, 'link', n.link, 'created_at', n.created_at, 'read', r.user_id IS "
                    "NOT NULL, 'read_at', r.read_at, 'acknowledged_at', a.acknowledged_at, "
                    "'acknowledged_by_name', a.acknowledged_by_name) {} {} AND ($4 = '' OR "
                    "n.notification_id < nullif($4, '')::bigint) ORDER BY n.notification_id DESC "
                    "LIMIT $5",
                    kVisible, unread == "true" ? kUnread : ""),
        visible_params(ctx).text(cursor_part(*page, 0)).integer(page->fetch()));
    return page_reply(std::move(rows), *page, {"notification_id"});
}

Reply unread_count(RequestContext& ctx) {
    auto r = ctx.db.query(
        "counting unread notifications",
        fmt::format("SELECT count(*) FROM (SELECT 1 {}{} LIMIT $4) u", kVisible, kUnread),
        visible_params(ctx).integer(kUnreadCountCap));
    if (!r) {
        return Reply::from(r.error());
    }
    auto n = r->integer(0, 0);
    return Reply::json({{"unread", n}, {"capped", n >= kUnreadCountCap}});
}

// {"notification_ids": [..]} or {"all": true}: marks them read for the caller.
Reply mark_read(RequestContext& ctx) {
    auto body = ctx.body();
    if (!body) {
        return Reply::from(body.error());
    }
    if (auto s = only_fields(*body, {"notification_ids", "all"}); !s) {
        return Reply::from(s.error());
    }
    bool all = body->value("all", false) == true;
    std::string ids = "{}";
    if (body->contains("notification_ids")) {
        const auto& list = (*body)["notification_ids"];
        if (!list.is_array() || list.size() > kMaxIdsPerCall) {
            return bad_request(
                fmt::format("'notification_ids' must be a list of at most {} notification ids",
                            kMaxIdsPerCall));
        }
        ids = "{";
        for (const auto& id : list) {
            if (!id.is_number_integer() || id.get<std::int64_t>() <= 0) {
                return bad_request(
                    "'notification_ids' holds something that is not a "
                    "notification id (a positive number)");
            }
            ids += (ids.size() > 1 ? "," : "") + std::to_string(id.get<std::int64_t>());
        }
        ids += "}";
    } else if (!all) {
        return bad_request("send 'notification_ids' (a list) or 'all': true");
    }
    auto r = ctx.db.query(
        "marking notifications read",
        fmt::format("WITH ins AS (INSERT INTO notification_reads (tenant_id, notification_id, "
                    "user_id) SELECT n.tenant_id, n.notification_id, $1::uuid {} AND r.user_id "
                    "IS NULL AND ($4 OR n.notification_id = ANY($5::bigint[])) ON CONFLICT DO "
                    "NOTHING RETURNING 1) SELECT count(*) FROM ins",
                    kVisible),
        visible_params(ctx).boolean(all).text(ids));
    if (!r) {
        return Reply::from(r.error());
    }
    return Reply::json({{"marked", r->integer(0, 0)}});
}

// The caller's own choice: e-mail for their notifications or not (null: the
// default of their role).
nlohmann::json preference_json(const db::Result& r) {
    nlohmann::json email =
        r.is_null(0, 0) ? nlohmann::json(nullptr) : nlohmann::json(r.boolean(0, 0));
    return {{"email", email}, {"email_effective", r.boolean(0, 1)}, {"address", r.text(0, 2)}};
}

constexpr std::string_view kPreference =
    "u.notify_email, coalesce(u.notify_email, u.tenant_id IS NULL OR u.role = 'admin'), u.email";

// A staff member's own row is not visible inside a tenant's scope (row-level
// security); their preference is read and changed across tenants.
std::optional<Reply> staff_in_tenant_scope(const RequestContext& ctx) {
    if (ctx.who().staff() && ctx.tenant) {
        return Reply::error(400,
                            "a staff member's e-mail preference is read and changed with no "
                            "tenant selected: pick All tenants in the switcher");
    }
    return std::nullopt;
}

Reply get_preferences(RequestContext& ctx) {
    if (auto refused = staff_in_tenant_scope(ctx)) {
        return *refused;
    }
    auto r =
        ctx.db.query("reading notification preferences",
                     fmt::format("SELECT {} FROM users u WHERE u.user_id = $1::uuid", kPreference),
                     db::Params().text(ctx.who().user_id));
    if (!r) {
        return Reply::from(r.error());
    }
    if (r->rows() == 0) {
        return Reply::error(404, "your user could not be read");
    }
    return Reply::json(preference_json(*r));
}

Reply set_preferences(RequestContext& ctx) {
    if (auto refused = staff_in_tenant_scope(ctx)) {
        return *refused;
    }
    auto body = ctx.body();
    if (!body) {
        return Reply::from(body.error());
    }
    if (auto s = only_fields(*body, {"email"}); !s) {
        return Reply::from(s.error());
    }
    if (!body->contains("email") ||
        !((*body)["email"].is_boolean() || (*body)["email"].is_null())) {
        return bad_request("'email' must be true, false or null (the default of your role)");
    }
    auto value = (*body)["email"];
    auto r = ctx.db.query(
        "saving notification preferences",
        fmt::format("UPDATE users u SET notify_email = $2::boolean WHERE u.user_id = $1::uuid "
                    "RETURNING {}",
                    kPreference),
        db::Params()
            .text(ctx.who().user_id)
            .optional_text(value.is_null()
                               ? std::nullopt
                               : std::optional<std::string>(value.get<bool>() ? "true" : "false")));
    if (!r) {
        return Reply::from(r.error());
    }
    if (r->rows() == 0) {
        return Reply::error(404, "your user could not be read");
    }
    auto after = preference_json(*r);
    if (auto s = ctx.audit("notification.preferences.update", "user", ctx.who().user_id, nullptr,
                           after, ctx.who().tenant_id);
        !s) {
        return Reply::from(s.error());
    }
    return Reply::json(after);
}

Reply acknowledge(RequestContext& ctx) {
    auto id = uuid_param(ctx, "alert_id");
    if (!id) {
        return Reply::from(id.error());
    }
    auto who = ctx.who().display_name.empty() ? ctx.who().email : ctx.who().display_name;
    auto acked =
        alerts::acknowledge_alert(ctx.db, ctx.tenant.value_or(""), *id, ctx.who().user_id, who);
    if (!acked) {
        return Reply::from(acked.error());
    }
    if (auto s = ctx.audit("alert.acknowledge", "alert", *id, nullptr, *acked,
                           (*acked)["tenant_id"].get<std::string>());
        !s) {
        return Reply::from(s.error());
    }
    return Reply::json(*acked);
}

Reply test_webhook(RequestContext& ctx) {
    if (!ctx.tenant) {
        return Reply::error(400, "pick a tenant first: the test goes to that tenant's webhook");
    }
    auto sent =
        alerts::send_test_webhook(ctx.db, *ctx.tenant, ctx.env.webhook_policy, ctx.env.sealing_key);
    if (!sent) {
        return Reply::from(sent.error());
    }
    nlohmann::json out = {
        {"delivery_id", sent->delivery_id},
        {"delivered", sent->error.empty()},
        {"error", sent->error.empty() ? nlohmann::json(nullptr) : nlohmann::json(sent->error)}};
    if (auto s = ctx.audit("settings.webhook.test", "tenant_settings", *ctx.tenant, nullptr, out,
                           *ctx.tenant);
        !s) {
        return Reply::from(s.error());
    }
    return Reply::json(out);
}

}  // namespace

void add_notification_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/notifications", kAnyone, Access::scoped, list_notifications,
           "The caller's notifications, newest first (filter: unread)"});
    t.add({"GET", "/api/v1/notifications/unread-count", kAnyone, Access::scoped, unread_count,
           "How many of the caller's notifications are unread (at most 1000)"});
    t.add({"POST", "/api/v1/notifications/read", kAnyone, Access::scoped, mark_read,
           "Mark notifications read for the caller"});
    t.add({"GET", "/api/v1/notifications/preferences", kAnyone, Access::scoped, get_preferences,
           "Whether the caller gets notifications by e-mail"});
    t.add({"PATCH", "/api/v1/notifications/preferences", kAnyone, Access::scoped, set_preferences,
           "Turn the caller's notification e-mails on or off"});
    t.add({"POST", "/api/v1/alerts/{alert_id}/acknowledge", kTenantAdmin | kTenantAnalyst | kStaff,
           Access::scoped, acknowledge, "Acknowledge an open alert: it stops notifying"});
    t.add({"POST", "/api/v1/settings/webhook-test", kTenantAdmin | kStaffAdmin, Access::scoped,
           test_webhook, "Send a signed test delivery to the webhook and report the outcome"});
}

}  // namespace cs::relay::api::routes

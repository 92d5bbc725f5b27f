// The audit log of every mutation, and alerts.
#include <fmt/format.h>

#include "common/value/value.hpp"
#include "relay/alerts/notifications.hpp"
#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"

namespace cs::relay::api::routes {
namespace {

// What the object of an audit row is called now (a site's name, a user's
// e-mail, a token's name, a command and its site), or what it was called when
// it was changed, for objects since deleted; null when it has no name.
constexpr std::string_view kEntityName =
    "coalesce(CASE a.entity_type "
    "WHEN 'site' THEN (SELECT s.name FROM sites s WHERE s.tenant_id = a.tenant_id AND "
    "s.site_id = e.id) "
    "WHEN 'user' THEN (SELECT u.email FROM users u WHERE u.user_id = e.id) "
    "WHEN 'tenant' THEN (SELECT t.name FROM tenants t WHERE t.tenant_id = e.id) "
    "WHEN 'tenant_settings' THEN (SELECT t.name FROM tenants t WHERE t.tenant_id = "
    "a.tenant_id) "
    "WHEN 'api_token' THEN (SELECT k.name FROM api_tokens k WHERE k.token_id = e.id) "
    "WHEN 'session' THEN (SELECT u.email FROM users u WHERE u.user_id::text = "
    "a.after->>'user_id') "
    "WHEN 'command' THEN (SELECT replace(c.command, '_', ' ') || ' on ' || s.name FROM "
    "commands c JOIN sites s ON s.tenant_id = c.tenant_id AND s.site_id = c.site_id WHERE "
    "c.tenant_id = a.tenant_id AND c.command_id = e.id) END, "
    "a.before->>'email', a.before->>'name', a.after->>'email', a.after->>'name')";

Reply list_audit(RequestContext& ctx) {
    auto page = ctx.page();
    if (!page) {
        return Reply::from(page.error());
    }
    for (auto name : {"since", "until"}) {
        auto v = filter(ctx, name);
        if (!v.empty() && (v.size() > 40 || !Timestamp::parse_iso(v))) {
            return bad_request(
                fmt::format("'{}' must be an ISO 8601 time such as 2026-12-01T00:00:00Z", name));
        }
    }
    auto actor = filter(ctx, "actor_id");
    if (!actor.empty() && !is_uuid(actor)) {
        return bad_request("'actor_id' must be a user id (a UUID)");
    }
    auto rows = json_rows(
        ctx.db, "reading the audit log",
        "SELECT json_build_object('audit_id', a.audit_id, 'tenant_id', a.tenant_id, 'actor_id', "
        "a.actor_id, 'actor', a.actor, 'action', a.action, 'entity_type', a.entity_type, "
        "'entity_id', a.entity_id, 'before', a.before, 'after', a.after, 'address', CASE WHEN "
        "$10 THEN a.address END, 'user_agent', CASE WHEN $10 THEN a.user_agent END, 'at', a.at, "
        "'tenant_name', (SELECT t.name FROM tenants t WHERE t.tenant_id = a.tenant_id), "
        "'entity_name', " +
            std::string(kEntityName) +
            ") FROM audit_log a LEFT JOIN LATERAL (SELECT CASE WHEN a.entity_id ~ "
            "'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN "
            "a.entity_id::uuid END AS id) e ON true WHERE ($1 = '' OR a.tenant_id "
            "= nullif($1, '')::uuid) AND ($2 = '' OR a.action = $2 OR a.action LIKE $2 || '.%') "
            "AND "
            "($3 = '' OR a.entity_type = $3) AND ($4 = '' OR a.entity_id = $4) AND ($5 = '' OR "
            "a.actor_id = nullif($5, '')::uuid) AND ($6 = '' OR a.at >= nullif($6, "
            "'')::timestamptz) "
            "AND ($7 = '' OR a.at < nullif($7, '')::timestamptz) AND ($8 = '' OR a.audit_id < "
            "nullif($8, '')::bigint) ORDER BY a.audit_id DESC LIMIT $9",
        db::Params()
            .text(ctx.tenant.value_or(""))
            .text(filter(ctx, "action"))
            .text(filter(ctx, "entity_type"))
            .text(filter(ctx, "entity_id"))
            .text(actor)
            .text(filter(ctx, "since"))
            .text(filter(ctx, "until"))
            .text(cursor_part(*page, 0))
            .integer(page->fetch())
            // Where people sign in from is for admins (docs/api.md, audit).
            .boolean(ctx.who().role == kTenantAdmin || ctx.who().role == kStaffAdmin));
    return page_reply(std::move(rows), *page, {"audit_id"});
}

Reply list_alerts(RequestContext& ctx) {
    auto page = ctx.page();
    if (!page) {
        return Reply::from(page.error());
    }
    auto status = filter(ctx, "status");
    if (!status.empty() && status != "open" && status != "resolved") {
        return bad_request("'status' must be open or resolved");
    }
    auto site = filter(ctx, "site_id");
    if (!site.empty() && !is_uuid(site)) {
        return bad_request("'site_id' must be a site id (a UUID)");
    }
    auto rows = json_rows(
        ctx.db, "listing alerts",
        fmt::format(
            "SELECT {} FROM alerts a JOIN sites s ON s.tenant_id = a.tenant_id AND "
            "s.site_id = a.site_id WHERE ($1 = '' OR a.tenant_id = nullif($1, '')::uuid) AND ($2 = "
            "'' OR ($2 = 'open') = (a.resolved_at IS NULL)) AND ($3 = '' OR a.site_id = nullif($3, "
            "'')::uuid) AND ($4 = '' OR a.kind = $4) AND ($5 = '' OR a.alert_id < nullif($5, "
            "'')::uuid) ORDER BY a.alert_id DESC LIMIT $6",
            alerts::kAlertJson),
        db::Params()
            .text(ctx.tenant.value_or(""))
            .text(status)
            .text(site)
            .text(filter(ctx, "kind"))
            .text(cursor_part(*page, 0))
            .integer(page->fetch()));
    return page_reply(std::move(rows), *page, {"alert_id"});
}

}  // namespace

void add_audit_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/audit", kTenantAdmin | kTenantAnalyst | kStaff, Access::scoped,
           list_audit,
           "The audit log, newest first (filters: action, entity_type, entity_id, actor_id, "
           "since, until)"});
}

void add_alert_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/alerts", kAnyone, Access::scoped, list_alerts,
           "Alerts, newest first (filters: status, site_id, kind)"});
}

}  // namespace cs::relay::api::routes

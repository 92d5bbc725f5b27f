#include "relay/api/routes/site_json.hpp"

#include <fmt/format.h>

#include "relay/api/routes/route_support.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::string_view kSiteJson =
    "json_build_object('site_id', o.site_id, 'tenant_id', o.tenant_id, 'tenant_name', "
    "o.tenant_name, 'name', o.name, 'state', o.state, 'trouble_rank', o.trouble_rank, 'online', "
    "o.online, 'revoked', o.revoked_at IS NOT NULL, 'created_at', o.created_at, 'connected_at', "
    "o.connected_at, 'last_heartbeat_at', o.last_seen_at, 'agent_version', o.agent_version, "
    "'host', o.host, 'os', o.os, 'outbox_depth', o.outbox_depth, 'outbox_oldest_age_seconds', "
    "o.outbox_oldest_age_seconds, 'failing_entities', o.failing_entities, 'failed_rows', "
    "o.failed_rows, 'open_alerts', o.open_alerts, 'last_runs', o.last_runs)";

}  // namespace

Expected<std::vector<nlohmann::json>> list_site_overview(RequestContext& ctx,
                                                         const PageRequest& page, SiteOrder order) {
    // Keyset pagination on (name, site_id) or (trouble_rank, name, site_id).
    bool by_name = order == SiteOrder::by_name;
    std::string_view cursor =
        by_name ? "($5 = '' OR (o.name, o.site_id) > ($5, nullif($6, '')::uuid))"
                : "($5 = '' OR (o.trouble_rank, o.name, o.site_id) > (nullif($5, '')::int, $6, "
                  "nullif($7, '')::uuid))";
    auto sql = fmt::format(
        "SELECT {} FROM site_overview o WHERE ($1 = '' OR o.state = $1) AND ($2 = '' OR "
        "strpos(lower(o.name || ' ' || coalesce(o.host, '') || ' ' || o.tenant_name), "
        "lower($2)) > 0) AND ($3 = '' OR o.tenant_id = nullif($3, '')::uuid) AND {} "
        "ORDER BY {} LIMIT $4",
        kSiteJson, cursor, by_name ? "o.name, o.site_id" : "o.trouble_rank, o.name, o.site_id");
    db::Params p;
    p.text(filter(ctx, "state")).text(filter(ctx, "q")).text(ctx.tenant.value_or(""));
    p.integer(page.fetch()).text(cursor_part(page, 0)).text(cursor_part(page, 1));
    if (!by_name) {
        p.text(cursor_part(page, 2));
    }
    return json_rows(ctx.db, "listing sites", sql, p);
}

std::function<nlohmann::json(const nlohmann::json&)> site_sort_key(SiteOrder order) {
    if (order == SiteOrder::by_name) {
        return [](const nlohmann::json& s) {
            return nlohmann::json::array({s["name"], s["site_id"]});
        };
    }
    return [](const nlohmann::json& s) {
        return nlohmann::json::array(
            {std::to_string(s["trouble_rank"].get<int>()), s["name"], s["site_id"]});
    };
}

Expected<nlohmann::json> load_site(RequestContext& ctx, const std::string& site_id) {
    return json_row(ctx.db, "reading the site",
                    fmt::format("SELECT {} FROM site_overview o WHERE o.site_id = $1::uuid AND "
                                "($2 = '' OR o.tenant_id = nullif($2, '')::uuid)",
                                kSiteJson),
                    db::Params().text(site_id).text(ctx.tenant.value_or("")),
                    fmt::format("no site with id {}", site_id));
}

Expected<std::string> site_tenant(RequestContext& ctx) {
    auto id = uuid_param(ctx, "site_id");
    if (!id) {
        return id;
    }
    auto site = load_site(ctx, *id);
    if (!site) {
        return std::move(site).error();
    }
    return (*site)["tenant_id"].get<std::string>();
}

}  // namespace cs::relay::api::routes

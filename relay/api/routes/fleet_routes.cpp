// Fleet monitoring for staff: every site across tenants, trouble first.
#include <fmt/format.h>

#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/api/routes/site_json.hpp"

namespace cs::relay::api::routes {
namespace {

Reply fleet_sites(RequestContext& ctx) {
    auto page = ctx.page();
    if (!page) {
        return Reply::from(page.error());
    }
    auto rows = list_site_overview(ctx, *page, SiteOrder::by_trouble);
    return page_reply(std::move(rows), *page, site_sort_key(SiteOrder::by_trouble));
}

Reply fleet_summary(RequestContext& ctx) {
    auto row = json_row(
        ctx.db, "summarising the fleet",
        "SELECT json_build_object('sites', count(*) FILTER (WHERE o.state <> 'revoked'), "
        "'online', count(*) FILTER (WHERE o.online), 'offline', count(*) FILTER (WHERE o.state = "
        "'offline'), 'never_connected', count(*) FILTER (WHERE o.state = 'never_connected'), "
        "'lagging', count(*) FILTER (WHERE o.state = 'lagging'), 'failing', count(*) FILTER "
        "(WHERE o.state = 'failing'), 'ok', count(*) FILTER (WHERE o.state = 'ok'), 'revoked', "
        "count(*) FILTER (WHERE o.state = 'revoked'), 'tenants', count(DISTINCT o.tenant_id), "
        "'open_alerts', coalesce(sum(o.open_alerts), 0), 'outbox_depth', "
        "coalesce(sum(o.outbox_depth), 0)) FROM site_overview o WHERE ($1 = '' OR o.tenant_id = "
        "nullif($1, '')::uuid)",
        db::Params().text(ctx.tenant.value_or("")), "no summary");
    return row ? Reply::json(std::move(*row)) : Reply::from(row.error());
}

}  // namespace

void add_fleet_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/fleet/sites", kStaff, Access::scoped, fleet_sites,
           "Every site across tenants, trouble first (filters: state, q)"});
    t.add({"GET", "/api/v1/fleet/summary", kStaff, Access::scoped, fleet_summary,
           "Counts of sites by state across the fleet"});
}

}  // namespace cs::relay::api::routes

#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "relay/api/core/context.hpp"

// Sites as JSON from the site_overview view, shared by /sites and /fleet.
namespace cs::relay::api::routes {

enum class SiteOrder { by_name, by_trouble };

// The sites in scope, filtered by the query's `state` and `q` (name, host or
// tenant name contains), one page in the given order.
Expected<std::vector<nlohmann::json>> list_site_overview(RequestContext& ctx,
                                                         const PageRequest& page, SiteOrder order);
std::function<nlohmann::json(const nlohmann::json&)> site_sort_key(SiteOrder order);

// One site in scope; not_found otherwise (another tenant's site included).
Expected<nlohmann::json> load_site(RequestContext& ctx, const std::string& site_id);

// The tenant of the site named by the {site_id} path parameter, when it is in
// scope; the routes below a site filter by it as well as by row-level security.
Expected<std::string> site_tenant(RequestContext& ctx);

}  // namespace cs::relay::api::routes

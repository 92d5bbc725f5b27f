#pragma once

#include "relay/db/pool.hpp"
#include "relay/metrics/registry.hpp"
#include "relay/server/router.hpp"

namespace cs::relay::server {

// /livez (the process answers), /readyz (PostgreSQL reachable and every embedded
// migration applied) and /metrics (Prometheus text format).
void add_health_routes(Router& router, db::Pool& pool, const metrics::Registry& registry);

}  // namespace cs::relay::server

#pragma once

#include "relay/db/pool.hpp"
#include "relay/server/router.hpp"

namespace cs::relay::server {

// /livez (the process answers) and /readyz (PostgreSQL reachable and every
// embedded migration applied). /metrics has a listener of its own (metrics.listen).
void add_health_routes(Router& router, db::Pool& pool);

}  // namespace cs::relay::server

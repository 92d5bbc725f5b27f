#pragma once

#include "common/net/metrics_server.hpp"

namespace cs::agent::metrics {

// The agent's Prometheus endpoint on the loopback interface (agent.metrics.listen).
using net::MetricsServer;

}  // namespace cs::agent::metrics

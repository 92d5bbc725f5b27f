#pragma once

#include <functional>
#include <string>

#include "agent/config/agent_config.hpp"
#include "agent/metrics/agent_metrics.hpp"
#include "agent/ship/uplink_status.hpp"

namespace cs::agent {

// What GET /metrics answers, gathered on the metrics server's thread: the
// outbox and failed rows from a read connection of its own (the loop's
// connection belongs to the loop's thread), run totals and the uplink's state.
std::function<std::string()> metrics_scrape(const AgentConfig& config,
                                            metrics::RunCounters& counters,
                                            std::function<ship::UplinkStatus()> link);

}  // namespace cs::agent

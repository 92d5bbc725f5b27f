#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "agent/config/agent_config.hpp"

namespace cs::agent::odata {

// One line of `contractsync-agent test-connection`.
struct CheckResult {
    std::string step;  // "p21 dns", "p21 token", "p21 inv_mast", ...
    bool pass = false;
    std::string detail;
};

// Checks a p21/odata source step by step: DNS, TCP/TLS, a token, then one
// `$top=1` read per entity of the source. Later steps still run after a
// failure where they can, so one command shows everything that is wrong.
std::vector<CheckResult> check_source(const AgentConfig& config, const SourceConfig& source,
                                      const std::atomic<bool>* stop);

}  // namespace cs::agent::odata

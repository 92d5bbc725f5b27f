#pragma once

#include "agent/config/agent_config.hpp"
#include "agent/ship/uplink.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::ship {

// The uplink's options from the agent config (`run` and `push`): resolves the
// site key through its secret reference, registers it for log redaction and
// checks its shape, so a wrong key fails here with a clear message rather than
// as a 401 retried every few minutes.
Expected<UplinkOptions> uplink_options(const AgentConfig& config);

}  // namespace cs::agent::ship

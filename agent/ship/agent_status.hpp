#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "agent/ship/uplink_status.hpp"
#include "agent/store/state_db.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::ship {

struct AgentIdentity {
    std::string version;
    std::string host;
    std::string os;
};

// The connection part of it: state, counters, last failure.
nlohmann::json connection_json(const UplinkStatus& link);

// The `status` object a heartbeat carries (docs/protocol.md, "Heartbeat status"):
// version, host, os, uptime, outbox depth/bytes/oldest age, the last run per
// entity, failed-row counts and the connection state.
Expected<nlohmann::json> agent_status_json(StateDb& store, const AgentIdentity& agent,
                                           std::int64_t uptime_seconds, const UplinkStatus& link);

}  // namespace cs::agent::ship

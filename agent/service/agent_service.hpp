#pragma once

#include <functional>
#include <string>

#include "agent/config/agent_config.hpp"
#include "agent/store/state_db.hpp"
#include "common/base/expected.hpp"

namespace cs::agent {

// How the service starts, as the command line that runs it decides: where its
// config and store come from and how a start-up failure is reported.
struct ServiceStart {
    std::function<Expected<AgentConfig>()> load_config;
    std::function<Expected<StateDb>(const AgentConfig&)> open_store;
    // Reports a start-up failure and returns the process exit code.
    std::function<int(const Error&)> fail;
    bool log_level_given = false;  // the command line's level overrides the config's
    std::string log_level;
};

// The agent as a service, until a stop request: the uplink ships on its own
// thread while the service loop (agent/service/service_loop.hpp) runs the
// schedule and the relay's commands. A stop request ends the running read
// between pages, closes the relay session with 1000 and returns 0.
//
// Started by the Windows Service Control Manager it runs as its service;
// anywhere else (a console, systemd, `run --console`) in the foreground. Under
// systemd (Type=notify) it reports READY=1 once the config is loaded, the
// state store is open and the uplink has started, STOPPING=1 when a stop is
// requested, and WATCHDOG=1 when asked to. SIGHUP re-reads the config between
// jobs: sources, entities and schedules change at once; relay, state and
// secret-store settings need a restart (the log says so).
int run_agent_service(const ServiceStart& start, bool console);

}  // namespace cs::agent

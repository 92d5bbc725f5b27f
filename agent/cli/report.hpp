#pragma once

#include <cstdint>
#include <string>

#include "agent/sync/sync_runner.hpp"

namespace cs::agent {

// Prints a sync report for people and returns the process exit code.
int print_report(const SyncReport& report);
// `failed retry`: retries and prints the report; returns the exit code.
int retry_failed_rows(const AgentConfig& config, StateDb& store, const std::string& entity,
                      std::int64_t id);

}  // namespace cs::agent

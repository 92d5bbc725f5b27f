#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/config/agent_config.hpp"
#include "agent/store/state_db.hpp"
#include "common/hash/hash128.hpp"
#include "tests/tools/p21sim/tests/sim_process.hpp"

namespace cs::agent::testing {

// The simulator's admin API, for changing data and faults and reading stats.
nlohmann::json admin(const std::string& origin, const std::string& method, const std::string& path,
                     const nlohmann::json& body = nullptr);

// Writes `config` (an agent config as JSON) to dir/agent.json and loads it.
AgentConfig load_config(const std::filesystem::path& dir, const nlohmann::json& config);

// An agent config with one source named "p21" and the given entities.
nlohmann::json agent_json(const std::filesystem::path& state_dir, nlohmann::json source,
                          nlohmann::json entities);

// A p21 source for the simulator at `origin` (token v2, password from the environment).
nlohmann::json p21_source(const std::string& origin);

// Entities over the simulator's inv_mast, item_uom and supplier tables.
nlohmann::json inv_mast_entity();
nlohmann::json item_uom_entity();
nlohmann::json supplier_entity();

// The entity's state (bk, data_hash), sorted: equal states mean equal rows.
std::vector<std::pair<Hash128, Hash128>> state_of(StateDb& store, const std::string& entity);

}  // namespace cs::agent::testing

#pragma once

#include <string>

#include "agent/config/agent_config.hpp"
#include "common/config/reader.hpp"

namespace cs::agent {

// Reads one entry of `entities`; `config` holds the sources (and the entities
// read before it, which parent links may name).
Expected<EntityConfig> parse_entity(const config::Reader& r, const AgentConfig& config);

// Source and entity names: a lowercase letter, then up to 62 lowercase
// letters, digits or underscores.
bool valid_config_name(const std::string& name);

}  // namespace cs::agent

#pragma once

#include <filesystem>
#include <string>

#include "agent/config/agent_config.hpp"
#include "common/config/reader.hpp"

namespace cs::agent {

// Reads a source of type p21 or odata (docs/p21-source.md).
Expected<SourceConfig> parse_odata_source(const std::string& name, const std::string& type,
                                          const config::Reader& r,
                                          const std::filesystem::path& base);

// Reads an entity's "odata" object; select and key columns come from its fields.
Expected<OdataEntityConfig> parse_odata_entity(const config::Reader& entity,
                                               const EntityConfig& parsed);

}  // namespace cs::agent

#pragma once

#include <filesystem>
#include <string_view>

namespace cs::agent {

// A path written in the config (UTF-8): absolute as it is (drive letters and
// UNC shares included), relative against the config file's folder; in the
// platform's preferred separators, without . and .. parts.
std::filesystem::path resolve_config_path(const std::filesystem::path& base,
                                          std::string_view value);

}  // namespace cs::agent

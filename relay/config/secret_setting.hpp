#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/config/reader.hpp"

namespace cs::relay {

// A secret a config section names but never holds: `<prefix>_env` (an
// environment variable) or `<prefix>_file` (a file, relative to `base_dir`;
// its trailing newline dropped), at most one of them. Empty when neither is
// set. `what` names the secret in errors ("database password").
Expected<std::string> read_secret_setting(const config::Reader& section, std::string_view prefix,
                                          std::string_view what, const char* const* env,
                                          const std::filesystem::path& base_dir);

}  // namespace cs::relay

#pragma once

#include <filesystem>

namespace cs::relay::cli {

// `migrate`: applies the embedded schema migrations and reports the version.
int run_migrate(const std::filesystem::path& config_path, bool json);

}  // namespace cs::relay::cli

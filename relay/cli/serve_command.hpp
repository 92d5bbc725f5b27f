#pragma once

#include <filesystem>

namespace cs::relay::cli {

// `serve`: migrates the schema, then serves agents and HTTP until SIGINT/SIGTERM.
int run_serve(const std::filesystem::path& config_path);

}  // namespace cs::relay::cli

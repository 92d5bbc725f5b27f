#pragma once

#include <filesystem>
#include <string_view>

#include "common/base/error.hpp"
#include "relay/config/config.hpp"
#include "relay/db/connection.hpp"
#include "relay/db/login_roles.hpp"

namespace cs::relay::cli {

// Prints "contractsync-relay: <message>" on one line to stderr; returns exit code 1.
int fail(std::string_view message);
int fail(const Error& error);

// Loads the config (with environment overrides), starts logging and registers
// the database password as a secret so no log line can contain it.
Expected<RelayConfig> load_and_init(const std::filesystem::path& path, bool quiet);

// The owner's connection (database.dsn): migrations, agents, authentication,
// background jobs.
db::ConnectOptions connect_options(const RelayConfig& config);
// The same database as the API login role of `scope` (database.api_*_user).
db::ConnectOptions api_connect_options(const RelayConfig& config, db::ApiScope scope);

}  // namespace cs::relay::cli

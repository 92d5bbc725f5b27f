#pragma once

#include "common/config/reader.hpp"
#include "relay/config/config.hpp"

namespace cs::relay {

// Reads the "database" section and resolves the password from password_env or
// password_file (relative to `base_dir` when given). Refuses a DSN that carries
// a password itself.
Expected<DatabaseConfig> read_database_config(const config::Reader& section, const char* const* env,
                                              const std::filesystem::path& base_dir = {});

// Fails when a libpq DSN (key=value or URI) sets a password.
Status check_dsn_has_no_password(std::string_view dsn);

}  // namespace cs::relay

#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::db {

// One versioned schema change, embedded in the binary from relay/db/migrations/.
struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

extern const Migration kEmbeddedMigrations[];
extern const std::size_t kEmbeddedMigrationCount;

std::span<const Migration> embedded_migrations();
// SHA-256 of the SQL text, hex: an applied migration must never change.
std::string migration_checksum(const Migration& migration);

struct MigrationReport {
    int applied_now = 0;      // migrations this call applied
    int current_version = 0;  // highest version in the database afterwards
    int latest_version = 0;   // highest version this binary knows
};

// Applies every embedded migration the database lacks, each in its own
// transaction, under a session advisory lock so that concurrently starting relay
// instances apply each migration exactly once. Fails when an applied migration's
// checksum differs from the embedded one or the database is newer than this binary.
Expected<MigrationReport> run_migrations(Connection& conn);

// For /readyz: every embedded migration is applied with a matching checksum.
Status check_migrations_current(Connection& conn);

}  // namespace cs::relay::db

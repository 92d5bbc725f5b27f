#include "relay/db/migrations.hpp"

#include <map>

#include <fmt/format.h>
#include <openssl/sha.h>

namespace cs::relay::db {
namespace {

// pg_advisory_lock key for migrations: "CSMG" in ASCII, far from the per-site keys.
constexpr std::string_view kLockKey = "1129530695";

constexpr std::string_view kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
))sql";

struct Applied {
    std::string name;
    std::string checksum;
};

Expected<std::map<int, Applied>> read_applied(Connection& conn) {
    auto exists = conn.query("reading schema_migrations",
                             "SELECT to_regclass('schema_migrations') IS NOT NULL");
    if (!exists) {
        return std::move(exists).error();
    }
    std::map<int, Applied> out;
    if (!exists->boolean(0, 0)) {
        return out;
    }
    auto rows = conn.query("reading schema_migrations",
                           "SELECT version, name, checksum FROM schema_migrations");
    if (!rows) {
        return std::move(rows).error();
    }
    for (int i = 0; i < rows->rows(); ++i) {
        out[static_cast<int>(rows->integer(i, 0))] =
            Applied{std::string(rows->text(i, 1)), std::string(rows->text(i, 2))};
    }
    return out;
}

// Compares what the database recorded with what this binary embeds.
Status verify(const std::map<int, Applied>& applied) {
    int latest = 0;
    for (const auto& m : embedded_migrations()) {
        latest = std::max(latest, m.version);
        auto it = applied.find(m.version);
        if (it != applied.end() && it->second.checksum != migration_checksum(m)) {
            return make_error(ErrorCode::conflict,
                              "migration {:04d}_{} was changed after it was applied (checksum "
                              "differs); migrations are append-only",
                              m.version, m.name);
        }
    }
    if (!applied.empty() && applied.rbegin()->first > latest) {
        return make_error(ErrorCode::conflict,
                          "the database schema is at version {} but this relay only knows up to "
                          "{}; upgrade the relay",
                          applied.rbegin()->first, latest);
    }
    return ok();
}

Status apply_one(Connection& conn, const Migration& m) {
    auto what = fmt::format("migration {:04d}_{}", m.version, m.name);
    auto tx = Transaction::begin(conn);
    if (!tx) {
        return std::move(tx).error().wrap(what);
    }
    if (auto r = conn.exec(what, m.sql); !r) {
        return std::move(r).error();
    }
    auto r = conn.query(what,
                        "INSERT INTO schema_migrations (version, name, checksum) "
                        "VALUES ($1::int, $2, $3)",
                        Params().integer(m.version).text(m.name).text(migration_checksum(m)));
    if (!r) {
        return std::move(r).error();
    }
    return tx->commit();
}

}  // namespace

std::span<const Migration> embedded_migrations() {
    return {kEmbeddedMigrations, kEmbeddedMigrationCount};
}

std::string migration_checksum(const Migration& migration) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(migration.sql.data()), migration.sql.size(),
           digest);
    std::string hex;
    for (unsigned char b : digest) {
        hex += fmt::format("{:02x}", b);
    }
    return hex;
}

Expected<MigrationReport> run_migrations(Connection& conn) {
    if (auto r = conn.query("taking the migration lock",
                            fmt::format("SELECT pg_advisory_lock({})", kLockKey));
        !r) {
        return std::move(r).error();
    }
    // The lock is per session: release it whatever happens below.
    struct Unlock {
        Connection& conn;
        ~Unlock() {
            (void)conn.query("releasing the migration lock",
                             fmt::format("SELECT pg_advisory_unlock({})", kLockKey));
        }
    } unlock{conn};

    if (auto r = conn.exec("creating schema_migrations", kCreateTable); !r) {
        return std::move(r).error();
    }
    auto applied = read_applied(conn);
    if (!applied) {
        return std::move(applied).error();
    }
    if (auto s = verify(*applied); !s) {
        return std::move(s).error();
    }
    MigrationReport report;
    for (const auto& m : embedded_migrations()) {
        report.latest_version = std::max(report.latest_version, m.version);
        if (applied->count(m.version) != 0) {
            continue;
        }
        if (auto s = apply_one(conn, m); !s) {
            return std::move(s).error();
        }
        ++report.applied_now;
    }
    report.current_version = report.latest_version;
    return report;
}

Status check_migrations_current(Connection& conn) {
    auto applied = read_applied(conn);
    if (!applied) {
        return std::move(applied).error();
    }
    if (auto s = verify(*applied); !s) {
        return s;
    }
    for (const auto& m : embedded_migrations()) {
        if (applied->count(m.version) == 0) {
            return make_error(ErrorCode::unavailable, "migration {:04d}_{} is not applied yet",
                              m.version, m.name);
        }
    }
    return ok();
}

}  // namespace cs::relay::db

#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "relay/apply/prepare.hpp"
#include "relay/config/config.hpp"
#include "relay/db/connection.hpp"
#include "relay/sites/sites.hpp"

namespace cs::relay::testing {

// A uniquely named database on the cluster CS_TEST_PG_DSN points at, migrated,
// dropped again on destruction.
class PgTestDatabase {
public:
    // CS_TEST_PG_DSN, or nullopt when the tests run without PostgreSQL.
    static std::optional<std::string> base_dsn();

    explicit PgTestDatabase(std::optional<std::string> base = std::nullopt);
    // Owned and migrated by `owner`, a role created on the cluster when missing
    // (LOGIN CREATEROLE, no superuser), as in production: row-level security
    // then binds the owner where the schema forces it. dsn() logs in as it.
    PgTestDatabase(std::optional<std::string> base, const std::string& owner);
    ~PgTestDatabase();
    PgTestDatabase(const PgTestDatabase&) = delete;
    PgTestDatabase& operator=(const PgTestDatabase&) = delete;

    const std::string& dsn() const { return dsn_; }
    const std::string& name() const { return name_; }
    std::unique_ptr<db::Connection> connect() const;
    // The same database as another role (e.g. an API login role).
    std::unique_ptr<db::Connection> connect_as(const std::string& user) const;

    // A tenant (created once) with a new site; `key` is its site key.
    sites::IssuedKey create_site(const std::string& name);
    apply::SiteRef site_ref(const sites::IssuedKey& key) const {
        return {key.site.tenant_id, key.site.site_id};
    }

    // A serve config for an in-process relay on 127.0.0.1 (any port) with the
    // test certificate; `data_dir` receives relay.port.
    RelayConfig relay_config(const std::filesystem::path& data_dir) const;

private:
    std::string base_;
    std::string name_;
    std::string dsn_;
    std::string tenant_;
};

// A fresh temporary directory, removed on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

std::filesystem::path test_data_dir();

}  // namespace cs::relay::testing

// Skips a test that needs PostgreSQL when CS_TEST_PG_DSN is not set.
#define CS_REQUIRE_PG()                                                         \
    do {                                                                        \
        if (!::cs::relay::testing::PgTestDatabase::base_dsn()) {                \
            GTEST_SKIP() << "CS_TEST_PG_DSN is not set (scripts/test sets it)"; \
        }                                                                       \
    } while (false)

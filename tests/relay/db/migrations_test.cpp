#include "relay/db/migrations.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"

namespace cs::relay::db {
namespace {

using testing::PgTestDatabase;
using testing::scalar;

TEST(MigrationsTest, AreEmbeddedNumberedAndChecksummed) {
    auto all = embedded_migrations();
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].version, static_cast<int>(i + 1));
        EXPECT_EQ(migration_checksum(all[i]).size(), 64u);
    }
}

TEST(MigrationsTest, ApplyOnceAndReportCurrent) {
    CS_REQUIRE_PG();
    PgTestDatabase db;  // already migrated once
    auto conn = db.connect();
    auto again = run_migrations(*conn);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->applied_now, 0);
    EXPECT_EQ(again->current_version, static_cast<int>(embedded_migrations().size()));
    EXPECT_TRUE(check_migrations_current(*conn));
    EXPECT_EQ(scalar(*conn, "SELECT count(*) FROM schema_migrations"),
              std::to_string(embedded_migrations().size()));
}

TEST(MigrationsTest, EveryTableCarriesTenantId) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    auto conn = db.connect();
    auto missing = scalar(*conn, R"(
        SELECT string_agg(t.table_name, ', ') FROM information_schema.tables t
        WHERE t.table_schema = 'public'
          AND t.table_name NOT IN ('schema_migrations', 'login_attempts', 'relay_secrets')
          AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                          WHERE c.table_name = t.table_name AND c.column_name = 'tenant_id'))");
    EXPECT_EQ(missing, "");
}

TEST(MigrationsTest, ConcurrentRunsApplyEachMigrationOnce) {
    CS_REQUIRE_PG();
    PgTestDatabase source;
    // A database with nothing applied, migrated from four threads at once.
    auto admin = source.connect();
    std::string fresh = source.name() + "_fresh";
    ASSERT_TRUE(admin->exec("create", "CREATE DATABASE " + fresh));
    std::string dsn = *PgTestDatabase::base_dsn() + " dbname=" + fresh;
    std::vector<std::thread> threads;
    std::atomic<int> applied{0};
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            auto conn = Connection::open({.dsn = dsn});
            auto r = conn ? run_migrations(**conn) : Expected<MigrationReport>(conn.error());
            if (r) {
                applied += r->applied_now;
            } else {
                ++failures;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(applied, static_cast<int>(embedded_migrations().size()));
    (void)admin->exec("drop", "DROP DATABASE " + fresh + " WITH (FORCE)");
}

TEST(MigrationsTest, RefuseAChangedMigrationAndANewerSchema) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    auto conn = db.connect();
    ASSERT_TRUE(
        conn->exec("tamper", "UPDATE schema_migrations SET checksum = 'x' WHERE version = 1"));
    auto changed = run_migrations(*conn);
    ASSERT_FALSE(changed);
    EXPECT_NE(changed.error().message.find("0001_initial was changed after it was applied"),
              std::string::npos)
        << changed.error().message;
    EXPECT_FALSE(check_migrations_current(*conn));
    ASSERT_TRUE(conn->exec("restore", "UPDATE schema_migrations SET checksum = '" +
                                          migration_checksum(embedded_migrations()[0]) +
                                          "' WHERE version = 1"));
    ASSERT_TRUE(conn->exec("newer", "INSERT INTO schema_migrations VALUES (999, 'future', 'x')"));
    auto newer = run_migrations(*conn);
    ASSERT_FALSE(newer);
    EXPECT_NE(newer.error().message.find("version 999"), std::string::npos);
}

}  // namespace
}  // namespace cs::relay::db

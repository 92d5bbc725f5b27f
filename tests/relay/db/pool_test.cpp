#include "relay/db/pool.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"

namespace cs::relay::db {
namespace {

using testing::PgTestDatabase;

TEST(PoolTest, ReusesConnectionsAndWaitsWhenExhausted) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    Pool pool({.dsn = db.dsn()}, 2, "test");
    std::string first_pid;
    std::string second_pid;
    {
        auto a = pool.acquire(std::chrono::seconds(1));
        ASSERT_TRUE(a) << a.error().message;
        first_pid = testing::scalar(**a, "SELECT pg_backend_pid()");
        auto b = pool.acquire(std::chrono::seconds(1));
        ASSERT_TRUE(b);
        second_pid = testing::scalar(**b, "SELECT pg_backend_pid()");
        EXPECT_EQ(pool.in_use(), 2u);
        auto start = std::chrono::steady_clock::now();
        auto c = pool.acquire(std::chrono::milliseconds(200));
        ASSERT_FALSE(c);
        EXPECT_EQ(c.error().code, ErrorCode::unavailable);
        EXPECT_NE(c.error().message.find("no free test database connection"), std::string::npos);
        EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
    }
    EXPECT_EQ(pool.in_use(), 0u);
    auto again = pool.acquire(std::chrono::seconds(1));
    ASSERT_TRUE(again);
    auto pid = testing::scalar(**again, "SELECT pg_backend_pid()");
    EXPECT_TRUE(pid == first_pid || pid == second_pid) << "a returned connection is reused";
}

TEST(PoolTest, DropsBrokenAndMidTransactionConnections) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    Pool pool({.dsn = db.dsn()}, 1, "test");
    std::string pid;
    {
        auto lease = pool.acquire(std::chrono::seconds(1));
        ASSERT_TRUE(lease);
        pid = testing::scalar(**lease, "SELECT pg_backend_pid()");
        ASSERT_TRUE((*lease)->query("begin", "BEGIN"));  // left open: must not be reused
    }
    {
        auto lease = pool.acquire(std::chrono::seconds(1));
        ASSERT_TRUE(lease);
        EXPECT_NE(testing::scalar(**lease, "SELECT pg_backend_pid()"), pid);
        pid = testing::scalar(**lease, "SELECT pg_backend_pid()");
    }
    auto killer = db.connect();
    ASSERT_TRUE(killer->query("kill", "SELECT pg_terminate_backend($1::int)", Params().text(pid)));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    {
        // Idle briefly, so handed out unchecked: its first use fails as transient.
        auto lease = pool.acquire(std::chrono::seconds(1));
        ASSERT_TRUE(lease);
        auto r = (*lease)->query("probe", "SELECT 1");
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::unavailable) << r.error().message;
    }
    // Returned broken, it was dropped; the pool opens a new one.
    auto fresh = pool.acquire(std::chrono::seconds(1));
    ASSERT_TRUE(fresh);
    auto now = testing::scalar(**fresh, "SELECT pg_backend_pid()");
    EXPECT_FALSE(now.empty());
    EXPECT_NE(now, pid);
}

TEST(ConnectionTest, ErrorsNameTheOperationAndSqlState) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    auto conn = db.connect();
    auto r = conn->query("inserting a tenant twice",
                         "INSERT INTO tenants (tenant_id, name) VALUES "
                         "('00000000-0000-7000-8000-000000000001', 'a'), "
                         "('00000000-0000-7000-8000-000000000001', 'b')");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(r.error().message.find("inserting a tenant twice: "), std::string::npos);
    EXPECT_NE(r.error().message.find("SQLSTATE 23505"), std::string::npos) << r.error().message;
    EXPECT_EQ(conn->last_sqlstate(), "23505");
    auto bad = Connection::open(
        {.dsn = "host=127.0.0.1 port=1 dbname=x", .connect_timeout = std::chrono::seconds(1)});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::unavailable);
}

TEST(ConnectionTest, TransactionRollsBackUnlessCommitted) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    auto conn = db.connect();
    {
        auto tx = Transaction::begin(*conn);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(conn->exec("insert",
                               "INSERT INTO tenants (tenant_id, name) VALUES "
                               "('00000000-0000-7000-8000-000000000002', 'gone')"));
    }
    EXPECT_EQ(testing::scalar(*conn, "SELECT count(*) FROM tenants"), "0");
    EXPECT_TRUE(conn->idle_and_ok());
}

}  // namespace
}  // namespace cs::relay::db

#include "tests/relay/support/pg_test_database.hpp"

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include "relay/db/migrations.hpp"

namespace cs::relay::testing {
namespace {

std::unique_ptr<db::Connection> must_connect(const std::string& dsn) {
    auto conn = db::Connection::open({.dsn = dsn});
    if (!conn) {
        throw std::runtime_error(conn.error().message);
    }
    return std::move(*conn);
}

}  // namespace

std::filesystem::path test_data_dir() {
#ifdef CS_TEST_DATA_DIR
    return CS_TEST_DATA_DIR;
#else
    return "tests/data";
#endif
}

std::optional<std::string> PgTestDatabase::base_dsn() {
    const char* dsn = std::getenv("CS_TEST_PG_DSN");
    if (dsn == nullptr || *dsn == '\0') {
        return std::nullopt;
    }
    return std::string(dsn);
}

PgTestDatabase::PgTestDatabase(std::optional<std::string> base) : PgTestDatabase(base, "") {}

PgTestDatabase::PgTestDatabase(std::optional<std::string> base, const std::string& owner) {
    base_ = base ? *base : base_dsn().value_or("");
    static std::atomic<int> counter{0};
    std::random_device rd;
    name_ = fmt::format("cs_test_{}_{}_{:x}", ::getpid(), counter++, rd() & 0xffffff);
    auto admin = must_connect(base_);
    if (!owner.empty()) {
        // Roles belong to the cluster: tests running in parallel may race here.
        auto r = admin->exec("creating the owner role",
                             fmt::format("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE "
                                         "rolname = '{0}') THEN CREATE ROLE {0} LOGIN CREATEROLE; "
                                         "END IF; EXCEPTION WHEN duplicate_object OR "
                                         "unique_violation THEN NULL; END $$",
                                         owner));
        if (!r) {
            throw std::runtime_error(r.error().message);
        }
    }
    if (auto r = admin->exec("creating the test database",
                             "CREATE DATABASE " + name_ + (owner.empty() ? "" : " OWNER " + owner));
        !r) {
        throw std::runtime_error(r.error().message);
    }
    dsn_ = base_ + " dbname=" + name_ + (owner.empty() ? "" : " user=" + owner);
    auto conn = must_connect(dsn_);
    if (auto r = db::run_migrations(*conn); !r) {
        throw std::runtime_error(r.error().message);
    }
}

PgTestDatabase::~PgTestDatabase() {
    auto admin = db::Connection::open({.dsn = base_});
    if (admin) {
        (void)(*admin)->exec("dropping the test database",
                             "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
}

std::unique_ptr<db::Connection> PgTestDatabase::connect() const {
    return must_connect(dsn_);
}

std::unique_ptr<db::Connection> PgTestDatabase::connect_as(const std::string& user) const {
    auto conn = db::Connection::open({.dsn = dsn_, .user = user});
    if (!conn) {
        throw std::runtime_error(conn.error().message);
    }
    return std::move(*conn);
}

sites::IssuedKey PgTestDatabase::create_site(const std::string& name) {
    auto conn = connect();
    if (tenant_.empty()) {
        auto t = sites::create_tenant(*conn, "tenant-" + name_);
        if (!t) {
            throw std::runtime_error(t.error().message);
        }
        tenant_ = t->tenant_id;
    }
    auto key = sites::create_site(*conn, tenant_, name);
    if (!key) {
        throw std::runtime_error(key.error().message);
    }
    return *key;
}

RelayConfig PgTestDatabase::relay_config(const std::filesystem::path& data_dir) const {
    RelayConfig c;
    c.origin = "test";
    c.listen_address = "127.0.0.1";
    c.listen_port = 0;
    c.tls = TlsConfig{test_data_dir() / "tls" / "relay-test.crt",
                      test_data_dir() / "tls" / "relay-test.key"};
    c.database.dsn = dsn_;
    c.database.session_connections = 16;
    c.database.shared_connections = 4;
    c.database.acquire_timeout = std::chrono::seconds(5);
    c.data_dir = data_dir;
    c.limits.window = 4;
    c.timeouts.site_lock_wait = std::chrono::seconds(10);
    c.timeouts.shutdown_grace = std::chrono::seconds(5);
    c.apply_threads = 4;
    c.metrics = MetricsListenConfig{"127.0.0.1", 0, ""};  // any free port: tests run side by side
    return c;
}

TempDir::TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "cs-relay-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace cs::relay::testing

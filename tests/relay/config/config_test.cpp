#include "relay/config/config.hpp"

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "relay/config/database_config.hpp"

namespace cs::relay {
namespace {

Expected<RelayConfig> parse(const std::string& text, std::vector<const char*> env = {}) {
    env.push_back(nullptr);
    auto doc = config::Document::parse(text, "relay.json");
    if (!doc) {
        return doc.error();
    }
    return parse_config(std::move(*doc), env.data());
}

TEST(RelayConfigTest, ReadsEverySectionWithComments) {
    auto c = parse(R"({
        // where agents connect
        "listen": {"address": "127.0.0.1", "port": 9443},
        "tls": {"certificate_file": "/etc/cs/cert.pem", "private_key_file": "/etc/cs/key.pem"},
        "database": {"dsn": "host=db dbname=cs user=relay", "session_connections": 10,
                     "statement_timeout": "2m"},
        "limits": {"max_frame_bytes": 1048576, "window": 3, "max_text_message_bytes": 65536},
        "timeouts": {"site_lock_wait": "5s"},
        "agents": {"heartbeat_seconds": 20},
        "retention": {"change_log": "7d"},
        "apply_threads": 3,
        "data_dir": "/var/lib/cs",
        "logging": {"format": "json", "level": "debug"}
    })");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->listen_address, "127.0.0.1");
    EXPECT_EQ(c->listen_port, 9443);
    ASSERT_TRUE(c->tls);
    EXPECT_EQ(c->tls->certificate_file, "/etc/cs/cert.pem");
    EXPECT_EQ(c->database.dsn, "host=db dbname=cs user=relay");
    EXPECT_EQ(c->database.session_connections, 10u);
    EXPECT_EQ(c->database.statement_timeout, std::chrono::minutes(2));
    EXPECT_EQ(c->limits.wire.max_frame_bytes, 1048576u);
    EXPECT_EQ(c->limits.window, 3u);
    EXPECT_EQ(c->limits.max_text_message_bytes, 65536u);
    EXPECT_EQ(c->timeouts.site_lock_wait, std::chrono::seconds(5));
    EXPECT_EQ(c->agents.heartbeat_seconds, 20);
    EXPECT_EQ(c->retention.change_log, std::chrono::hours(24 * 7));
    EXPECT_EQ(c->apply_threads, 3u);
    EXPECT_EQ(c->data_dir, "/var/lib/cs");
    EXPECT_EQ(c->logging.format, log::Format::json);
    EXPECT_EQ(c->database.password, "");
}

TEST(RelayConfigTest, ReadsTheBudgetsOfEachKindOfWork) {
    auto defaults = parse(R"({"database": {"dsn": "host=db"}})");
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->database.background_connections, 4u);
    EXPECT_EQ(defaults->api.threads, 4u);
    EXPECT_EQ(defaults->api.statement_timeout, std::chrono::seconds(10));
    EXPECT_EQ(defaults->api.lock_timeout, std::chrono::seconds(2));
    EXPECT_EQ(defaults->api.heavy_per_tenant, 1u);
    EXPECT_EQ(defaults->reconciliation.threads, 2u);
    EXPECT_EQ(defaults->reconciliation.retry_base, std::chrono::minutes(1));
    EXPECT_EQ(defaults->reconciliation.retry_max, std::chrono::hours(6));

    auto c = parse(R"({
        "database": {"dsn": "host=db", "background_connections": 6},
        "api": {"threads": 8, "statement_timeout": "5s", "lock_timeout": "500ms",
                "heavy_statement_timeout": "1m", "heavy_per_tenant": 2, "heavy_total": 3},
        "reconciliation": {"threads": 3, "retry_base": "30s", "retry_max": "2h"}
    })");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->database.background_connections, 6u);
    EXPECT_EQ(c->api.threads, 8u);
    EXPECT_EQ(c->api.statement_timeout, std::chrono::seconds(5));
    EXPECT_EQ(c->api.lock_timeout, std::chrono::milliseconds(500));
    EXPECT_EQ(c->api.heavy_statement_timeout, std::chrono::minutes(1));
    EXPECT_EQ(c->api.heavy_per_tenant, 2u);
    EXPECT_EQ(c->api.heavy_total, 3u);
    EXPECT_EQ(c->reconciliation.threads, 3u);
    EXPECT_EQ(c->reconciliation.retry_base, std::chrono::seconds(30));
    EXPECT_EQ(c->reconciliation.retry_max, std::chrono::hours(2));
    EXPECT_FALSE(parse(R"({"database": {"dsn": "host=db"}, "api": {"threads": 0}})"));
    auto starved = parse(R"({"database": {"dsn": "host=db", "background_connections": 2},
                             "reconciliation": {"threads": 2}})");
    ASSERT_FALSE(starved);
    EXPECT_NE(starved.error().message.find("must be at least reconciliation.threads + 1 (3)"),
              std::string::npos)
        << starved.error().message;
    EXPECT_FALSE(parse(R"({"database": {"dsn": "host=db"}, "reconciliation": {"retries": 1}})"));
}

TEST(RelayConfigTest, ReadsTheHttpHardeningSettings) {
    auto defaults = parse(R"({"database": {"dsn": "host=db"}})");
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->limits.max_connections, 2000u);
    EXPECT_EQ(defaults->limits.max_connections_per_address, 64u);
    EXPECT_EQ(defaults->timeouts.http_upload, std::chrono::minutes(10));
    ASSERT_TRUE(defaults->metrics) << "metrics are on, on the loopback interface";
    EXPECT_EQ(defaults->metrics->host, "127.0.0.1");
    EXPECT_EQ(defaults->metrics->port, 9464);

    auto c = parse(R"({
        "tls": {"certificate_file": "c.pem", "private_key_file": "k.pem",
                "hsts_max_age_seconds": 600},
        "database": {"dsn": "host=db"},
        "limits": {"max_connections": 10, "max_connections_per_address": 0},
        "timeouts": {"http_upload": "2m"},
        "metrics": {"listen": "0.0.0.0:9100", "bearer_token_env": "CS_METRICS_TOKEN"}
    })",
                   {"CS_METRICS_TOKEN=tok-123"});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->tls->hsts_max_age_seconds, 600);
    EXPECT_EQ(c->limits.max_connections, 10u);
    EXPECT_EQ(c->limits.max_connections_per_address, 0u) << "0: no per-address cap (one NAT)";
    EXPECT_EQ(c->timeouts.http_upload, std::chrono::minutes(2));
    ASSERT_TRUE(c->metrics);
    EXPECT_EQ(c->metrics->host, "0.0.0.0");
    EXPECT_EQ(c->metrics->port, 9100);
    EXPECT_EQ(c->metrics->bearer_token, "tok-123");

    auto off = parse(R"({"database": {"dsn": "host=db"}, "metrics": {"listen": ""}})");
    ASSERT_TRUE(off) << off.error().message;
    EXPECT_FALSE(off->metrics);

    auto open = parse(R"({"database": {"dsn": "host=db"}, "metrics": {"listen": "0.0.0.0:9100"}})");
    ASSERT_FALSE(open);
    EXPECT_NE(open.error().message.find("metrics.listen"), std::string::npos)
        << open.error().message;
    EXPECT_NE(open.error().message.find("not a loopback address"), std::string::npos)
        << open.error().message;
    auto bad = parse(R"({"database": {"dsn": "host=db"}, "metrics": {"listen": "9464"}})");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("address:port"), std::string::npos) << bad.error().message;
}

TEST(RelayConfigTest, RefusesAPasswordInTheDsn) {
    for (const char* dsn :
         {"host=db password=hunter2 dbname=cs", "postgresql://relay:hunter2@db/cs"}) {
        auto c = parse(std::string(R"({"database": {"dsn": ")") + dsn + R"("}})");
        ASSERT_FALSE(c) << dsn;
        EXPECT_NE(c.error().message.find("must not contain a password"), std::string::npos)
            << c.error().message;
        EXPECT_NE(c.error().message.find("relay.json:1"), std::string::npos) << c.error().message;
        EXPECT_EQ(c.error().message.find("hunter2"), std::string::npos) << c.error().message;
    }
}

TEST(RelayConfigTest, TakesThePasswordFromTheNamedEnvironmentVariable) {
    auto c = parse(R"({"database": {"dsn": "host=db", "password_env": "CS_DB_PW"}})",
                   {"OTHER=1", "CS_DB_PW=s3cret"});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->database.password, "s3cret");

    auto missing = parse(R"({"database": {"dsn": "host=db", "password_env": "CS_DB_PW"}})");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("CS_DB_PW is not set"), std::string::npos);
}

TEST(RelayConfigTest, TakesThePasswordFromAFileWithoutItsNewline) {
    auto path = std::filesystem::temp_directory_path() / "cs-relay-config-test-pw";
    std::ofstream(path) << "from-file\n";
    auto c =
        parse(R"({"database": {"dsn": "host=db", "password_file": ")" + path.string() + R"("}})");
    std::filesystem::remove(path);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->database.password, "from-file");
}

TEST(RelayConfigTest, ReadsTheApiLoginRolesAndTheirPasswords) {
    auto path = std::filesystem::temp_directory_path() /
                ("cs-relay-config-test-api-pw-" + std::to_string(::getpid()));
    std::ofstream(path) << "staff-pw\n";
    auto c = parse(R"({"database": {"dsn": "host=db user=owner", "api_tenant_user": "t_login",
                       "api_tenant_password_env": "CS_API_PW", "api_staff_password_file": ")" +
                       path.string() + R"("}})",
                   {"CS_API_PW=tenant-pw"});
    std::filesystem::remove(path);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->database.api_tenant.user, "t_login");
    EXPECT_EQ(c->database.api_tenant.password, "tenant-pw");
    EXPECT_EQ(c->database.api_staff.user, "");  // the migration's role
    EXPECT_EQ(c->database.api_staff.password, "staff-pw");

    auto both = parse(R"({"database": {"dsn": "host=db", "api_staff_password_env": "X",
                          "api_staff_password_file": "/x"}})",
                      {"X=1"});
    ASSERT_FALSE(both);
    EXPECT_NE(both.error().message.find("database.api_staff_password_env"), std::string::npos)
        << both.error().message;
    EXPECT_NE(both.error().message.find("not both"), std::string::npos) << both.error().message;
    auto unset = parse(R"({"database": {"dsn": "host=db", "api_tenant_password_env": "NOPE"}})");
    ASSERT_FALSE(unset);
    EXPECT_NE(unset.error().message.find("NOPE is not set"), std::string::npos)
        << unset.error().message;
}

TEST(RelayConfigTest, NamesTheLineAndKeyOfATypo) {
    auto c = parse("{\n  \"database\": {\"dsn\": \"host=db\"},\n  \"limits\": {\"windw\": 4}\n}");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("relay.json:3"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("windw"), std::string::npos) << c.error().message;
}

TEST(RelayConfigTest, RefusesOutOfRangeLimits) {
    auto c = parse(R"({"database": {"dsn": "host=db"}, "limits": {"window": 0}})");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("limits.window"), std::string::npos) << c.error().message;
}

TEST(RelayConfigTest, ReadsThePerSiteQuotasWithinTheirRanges) {
    auto defaults = parse(R"({"database": {"dsn": "host=db"}})");
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->limits.max_entities_per_site, 200u);
    EXPECT_EQ(defaults->limits.max_streams_per_site, 16u);
    EXPECT_EQ(defaults->limits.max_failed_rows_per_site, 100'000u);

    auto c = parse(R"({"database": {"dsn": "host=db"}, "limits": {"max_entities_per_site": 3,
                       "max_streams_per_site": 2, "max_failed_rows_per_site": 50}})");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->limits.max_entities_per_site, 3u);
    EXPECT_EQ(c->limits.max_streams_per_site, 2u);
    EXPECT_EQ(c->limits.max_failed_rows_per_site, 50u);

    for (const auto* key :
         {"max_entities_per_site", "max_streams_per_site", "max_failed_rows_per_site"}) {
        auto zero = parse(std::string(R"({"database": {"dsn": "host=db"}, "limits": {")") + key +
                          R"(": 0}})");
        ASSERT_FALSE(zero) << key << ": a quota of 0 would refuse everything";
        EXPECT_NE(zero.error().message.find(std::string("limits.") + key), std::string::npos)
            << zero.error().message;
    }
}

TEST(RelayConfigTest, EnvironmentOverridesTheFile) {
    auto c = parse(
        R"({"database": {"dsn": "host=db"}, "limits": {"window": 4}})",
        {"CONTRACTSYNC_RELAY__LIMITS__WINDOW=2", "CONTRACTSYNC_RELAY__DATABASE__DSN=host=other"});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->limits.window, 2u);
    EXPECT_EQ(c->database.dsn, "host=other");
}

TEST(RelayConfigTest, RequiresTheDatabaseSection) {
    auto c = parse(R"({"listen": {"port": 1}})");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("database"), std::string::npos) << c.error().message;
}

TEST(RelayConfigTest, RelativePathsMeanTheConfigFilesFolder) {
    auto dir = std::filesystem::temp_directory_path() /
               ("cs-relay-config-test-dir-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "secrets");
    std::ofstream(dir / "secrets" / "pg.pw") << "relative-pw\n";
    std::ofstream(dir / "relay.json") << R"({
        "tls": {"certificate_file": "tls/relay.pem", "private_key_file": "/etc/cs/key.pem"},
        "database": {"dsn": "host=db", "password_file": "secrets/pg.pw"},
        "data_dir": "var", "logging": {"file": "log/relay.log"}})";
    auto c = load_config(dir / "relay.json", nullptr);
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->tls.has_value());
    EXPECT_EQ(c->tls->certificate_file, dir / "tls" / "relay.pem");
    EXPECT_EQ(c->tls->private_key_file, "/etc/cs/key.pem");  // absolute stays
    EXPECT_EQ(c->data_dir, dir / "var");
    EXPECT_EQ(c->logging.file, (dir / "log" / "relay.log").string());
    EXPECT_EQ(c->database.password, "relative-pw");
    EXPECT_EQ(c->secrets_key_file, dir / "var" / "secrets.key") << "the default is in data_dir";
}

TEST(RelayConfigTest, TheSealingKeyFileIsConfigurableAndOptional) {
    auto set = parse(R"({"database": {"dsn": "host=db"}, "data_dir": "/var/lib/cs",
                         "secrets": {"key_file": "/etc/contractsync/relay-secrets.key"}})");
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(set->secrets_key_file, "/etc/contractsync/relay-secrets.key");
    auto none = parse(R"({"database": {"dsn": "host=db"}})");
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_TRUE(none->secrets_key_file.empty());
    auto typo = parse(R"({"database": {"dsn": "host=db"}, "secrets": {"keyfile": "x"}})");
    ASSERT_FALSE(typo);
    EXPECT_NE(typo.error().message.find("keyfile"), std::string::npos) << typo.error().message;
}

}  // namespace
}  // namespace cs::relay

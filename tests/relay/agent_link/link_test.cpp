// The agent connection end to end on an in-process relay: authentication,
// hello/welcome, change sets and acks, control messages, health endpoints.
#include <chrono>

#include <gtest/gtest.h>

#include "relay/sites/site_key.hpp"
#include "tests/relay/agent_link/link_fixture.hpp"

namespace cs::relay::agent_link {
namespace {

using testing::TestAgent;
using Kind = TestAgent::Message::Kind;

class LinkTest : public LinkFixture {
protected:
    void configure(RelayConfig& c) override { c.limits.failed_rows_cap = 5; }
};

TEST_F(LinkTest, AppliesChangeSetsAcksThemAndResumesFromTheWelcome) {
    TestAgent agent(port());
    ASSERT_EQ(agent.connect(a_.key), 101);
    auto welcome = agent.hello({stream_a_});
    auto w = welcome.json();
    ASSERT_EQ(w.value("type", ""), "welcome") << welcome.describe();
    EXPECT_EQ(w["protocol"], 1);
    EXPECT_EQ(w["site_id"], a_.site.site_id);
    EXPECT_EQ(w["tenant_id"], a_.site.tenant_id);
    EXPECT_EQ(w["streams"][0]["stream_id"], stream_a_);
    EXPECT_EQ(w["streams"][0]["last_sequence"], 0);
    EXPECT_EQ(w["window"], 4);
    EXPECT_EQ(w["heartbeat_seconds"], 15);
    EXPECT_EQ(w["max_frame_bytes"], config_.limits.wire.max_frame_bytes);
    EXPECT_TRUE(eventually("SELECT online FROM sites WHERE name = 'site-a'", "t"));

    testing::SourceModel source("items", testing::item_schema());
    std::uint64_t next = 1;
    auto sets = frames(source, stream_a_, next, 0, 300, 1, 100);
    for (const auto& [seq, frame] : sets) {
        ASSERT_TRUE(agent.send_binary(frame));
    }
    for (std::uint64_t seq = 1; seq <= 3; ++seq) {
        auto ack = agent.read_type("ack").json();
        EXPECT_EQ(ack["sequence"], seq);
        EXPECT_EQ(ack["status"], "applied");
        EXPECT_EQ(ack["rows"], 100);
        EXPECT_EQ(ack["stream_id"], stream_a_);
    }
    agent.close();
    EXPECT_TRUE(eventually("SELECT online FROM sites WHERE name = 'site-a'", "f"));

    TestAgent again(port());
    ASSERT_EQ(again.connect(a_.key), 101);
    EXPECT_EQ(again.hello({stream_a_}).json()["streams"][0]["last_sequence"], 3);
    testing::expect_records_match(*conn_, db_->site_ref(a_), source);
    testing::expect_ledger(*conn_, db_->site_ref(a_), stream_a_, {1, 2, 3});
}

TEST_F(LinkTest, RefusesMissingUnknownAndRevokedKeysWith401BeforeTheUpgrade) {
    TestAgent none(port());
    EXPECT_EQ(none.connect(""), 401);
    EXPECT_EQ(nlohmann::json::parse(none.refusal_body())["error"],
              "missing Authorization header (expected 'Bearer cs_site_...')");
    TestAgent unknown(port());
    EXPECT_EQ(unknown.connect(sites::generate_site_key()->key), 401);
    EXPECT_EQ(nlohmann::json::parse(unknown.refusal_body())["error"], "unknown site key");
    ASSERT_TRUE(sites::revoke_site(*conn_, a_.site.site_id));
    TestAgent revoked(port());
    EXPECT_EQ(revoked.connect(a_.key), 401);
    EXPECT_EQ(nlohmann::json::parse(revoked.refusal_body())["error"], "the site has been revoked");
    auto metrics = scrape();
    EXPECT_NE(metrics.find("contractsync_relay_agent_connections_total{result=\"unauthorized\"} 3"),
              std::string::npos)
        << metrics;
    // Another site is served all along.
    TestAgent b(port());
    ASSERT_EQ(b.connect(b_.key), 101);
    EXPECT_EQ(b.hello({stream_b_}).json().value("type", ""), "welcome");
}

TEST_F(LinkTest, NoCommonProtocolClosesWith4002) {
    TestAgent agent(port());
    ASSERT_EQ(agent.connect(a_.key), 101);
    auto m = agent.hello({stream_a_}, {2, 3});
    ASSERT_EQ(m.kind, Kind::closed) << m.describe();
    EXPECT_EQ(m.close_code, 4002);
    EXPECT_NE(m.close_reason.find("offered [2,3]"), std::string::npos) << m.close_reason;
}

TEST_F(LinkTest, OrderViolationsCloseWith4000) {
    TestAgent early(port());
    ASSERT_EQ(early.connect(a_.key), 101);
    ASSERT_TRUE(early.send_text(R"({"type":"heartbeat","status":{}})"));
    auto m = early.read();
    EXPECT_EQ(m.close_code, 4000) << m.describe();
    EXPECT_EQ(m.close_reason, "the first message must be hello");

    TestAgent binary(port());
    ASSERT_EQ(binary.connect(a_.key), 101);
    ASSERT_TRUE(binary.send_binary("CSCS"));
    auto b = binary.read();
    EXPECT_EQ(b.close_code, 4000) << b.describe();
    EXPECT_EQ(b.close_reason, "binary frame before welcome");
}

TEST_F(LinkTest, HealthEndpointsAndMetrics) {
    EXPECT_EQ(testing::https_get(port(), "/livez").first, 200);
    auto ready = testing::https_get(port(), "/readyz");
    EXPECT_EQ(ready.first, 200) << ready.second;
    EXPECT_EQ(testing::https_get(port(), "/nothing").first, 404);
    EXPECT_EQ(testing::https_get(port(), "/metrics").first, 404)
        << "metrics are on their own listener, never on the public port";
    auto metrics = scrape();
    EXPECT_TRUE(metrics.starts_with("HTTP/1.1 200")) << metrics;
    EXPECT_NE(metrics.find("# TYPE contractsync_relay_apply_duration_seconds histogram"),
              std::string::npos);
    // Not ready once the schema is behind this binary's migrations.
    ASSERT_TRUE(conn_->exec("forget", "DELETE FROM schema_migrations"));
    auto not_ready = testing::https_get(port(), "/readyz");
    EXPECT_EQ(not_ready.first, 503);
    EXPECT_NE(not_ready.second.find("not applied"), std::string::npos) << not_ready.second;
}

TEST_F(LinkTest, StoresHeartbeatsRunReportsFailedRowsAndCommandResults) {
    auto command_id = "0190f5e2-7a41-7c3e-8b5d-0000000000c1";
    ASSERT_TRUE(
        conn_->query("queue a command",
                     "INSERT INTO commands (tenant_id, command_id, site_id, command, "
                     "entity) VALUES ($1::uuid, $2::uuid, $3::uuid, 'sync_now', 'items')",
                     db::Params().text(a_.site.tenant_id).text(command_id).text(a_.site.site_id)));
    TestAgent agent(port());
    ASSERT_EQ(agent.connect(a_.key), 101);
    ASSERT_TRUE(agent.send_text(testing::hello_json({stream_a_}, {1})));
    ASSERT_EQ(agent.read_type("welcome").json().value("type", ""), "welcome");
    auto command = agent.read_type("command").json();
    EXPECT_EQ(command["id"], command_id);
    EXPECT_EQ(command["command"], "sync_now");

    ASSERT_TRUE(agent.send_text(
        R"({"type":"heartbeat","status":{"outbox_depth":12,"agent_version":"0.0.0-test"}})"));
    // The heartbeat history takes the outbox figures where the agent puts them,
    // and a figure that is not a number costs only that figure.
    ASSERT_TRUE(agent.send_text(R"({"type":"heartbeat","status":{"outbox":{"depth":"lots"}}})"));
    ASSERT_TRUE(agent.send_text(
        R"({"type":"heartbeat","status":{"outbox":{"depth":3,"oldest_age_seconds":40}}})"));
    ASSERT_TRUE(agent.send_text(
        R"({"type":"run_report","run_id":"run-1","entity":"items","status":"succeeded",)"
        R"("started_at":"2026-01-01T00:00:00Z","finished_at":"2026-01-01T00:01:00Z",)"
        R"("counts":{"fetched":10,"failed":2},"durations":{"fetch":1.5}})"));
    // The shape docs/protocol.md gives, sent twice: the agent resends a batch
    // whose delivery it could not confirm, and the relay stores it once.
    std::string rows = R"({"type":"failed_rows","entity":"items","rows":[)";
    for (int i = 0; i < 8; ++i) {
        rows += std::string(i ? "," : "") + R"({"id":"row-)" + std::to_string(i) +
                R"(","run_id":"run-1","stage":"normalize","field":"cost",)"
                R"("error":"'x' is not a number","value":"x","location":{"source":"v.csv",)"
                R"("line":)" +
                std::to_string(i + 2) +
                R"(},"raw":{"cost":"x"},"raw_truncated":false,"created_at_us":1790000000000000})";
    }
    ASSERT_TRUE(agent.send_text(rows + "]}"));
    ASSERT_TRUE(agent.send_text(rows + "]}"));
    ASSERT_TRUE(agent.send_text(R"({"type":"command_result","id":")" + std::string(command_id) +
                                R"(","ok":true,"message":"started","run_id":"run-2"})"));
    EXPECT_TRUE(eventually("SELECT status FROM commands", "succeeded"));
    EXPECT_TRUE(eventually("SELECT sum(beats) FROM site_heartbeats", "3"));
    EXPECT_EQ(scalar("SELECT status->'outbox'->>'depth' FROM sites WHERE name = 'site-a'"), "3");
    EXPECT_EQ(scalar("SELECT outbox_depth || ':' || outbox_oldest_seconds FROM site_heartbeats "
                     "ORDER BY minute DESC LIMIT 1"),
              "3:40");
    EXPECT_EQ(
        scalar("SELECT count(*) FROM site_heartbeats WHERE site_id <> '" + a_.site.site_id + "'"),
        "0");
    EXPECT_EQ(scalar("SELECT status || ':' || (counts->>'failed') || ':' || "
                     "to_char(finished_at AT TIME ZONE 'UTC', 'HH24:MI') FROM sync_runs"),
              "succeeded:2:00:01");
    // Capped at failed_rows_cap (5 in this test's configuration).
    EXPECT_EQ(scalar("SELECT count(*) FROM failed_rows"), "5");
    EXPECT_EQ(scalar("SELECT raw || ' ' || value || ' ' || location || ' ' || stream_id || ' ' || "
                     "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM failed_rows "
                     "WHERE row_id = 'row-0'"),
              R"({"cost":"x"} x {"line":2,"source":"v.csv"} test-agent 2026-09-21)");
    EXPECT_EQ(scalar("SELECT run_id FROM commands"), "run-2");
}

// A browser keeps its HTTPS connection open between requests; stopping the
// relay closes such idle connections at once instead of waiting out the grace
// period, which is for requests in progress.
class RelayShutdownTest : public LinkFixture {
protected:
    void configure(RelayConfig& c) override {
        c.timeouts.shutdown_grace = std::chrono::seconds(20);
    }
};

TEST_F(RelayShutdownTest, IdleKeepAliveConnectionsCloseAtOnce) {
    testing::KeepAliveClient browser(port());
    auto first = browser.get("/livez");
    ASSERT_EQ(first.first, 200);
    EXPECT_NE(first.second, "close");
    auto second = browser.get("/livez");  // the same connection, still open
    ASSERT_EQ(second.first, 200);

    auto started = std::chrono::steady_clock::now();
    relay_->stop();
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_TRUE(browser.closed_by_server(std::chrono::seconds(2)));
    EXPECT_LT(took, std::chrono::seconds(10))
        << "stop() waited for the idle connection: "
        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
}

}  // namespace
}  // namespace cs::relay::agent_link

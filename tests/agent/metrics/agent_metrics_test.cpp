// The agent's /metrics: what a scrape shows, in Prometheus' text format, and
// the loopback HTTP server that answers it.
#include "agent/metrics/agent_metrics.hpp"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "agent/metrics/metrics_server.hpp"
#include "tests/agent/metrics/http_get.hpp"

namespace cs::agent::metrics {
namespace {

using testing::http_exchange;
using testing::http_get;

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

RunRecord run(const std::string& entity, RunStatus status, std::int64_t fetched,
              std::int64_t failed) {
    RunRecord r;
    r.entity = entity;
    r.status = status;
    r.counts.fetched = fetched;
    r.counts.inserted = fetched - failed;
    r.counts.failed = failed;
    return r;
}

TEST(AgentMetricsTest, RendersOutboxRunsRowsAndRelayState) {
    RunCounters counters;
    counters.record(run("items", RunStatus::succeeded, 10, 0));
    counters.record(run("items", RunStatus::succeeded, 5, 2));
    counters.record(run("prices", RunStatus::failed, 0, 0));

    AgentMetrics m;
    m.version = "1.2.3+gabc";
    m.uptime_seconds = 42;
    m.outbox.depth = 3;
    m.outbox.bytes = 2048;
    m.outbox.rows = 17;
    m.outbox.quarantined = 1;
    m.oldest_age_seconds = 12.5;
    m.failed_rows["items"] = 2;
    m.totals = counters.totals();
    ship::UplinkStatus link;
    link.state = ship::LinkState::waiting;
    link.consecutive_failures = 4;
    link.sessions = 2;
    link.sent = 9;
    link.applied = 8;
    link.duplicates = 1;
    m.link = link;
    std::string text = render(m);

    EXPECT_TRUE(has_line(text, "# TYPE contractsync_agent_build_info gauge"));
    EXPECT_TRUE(has_line(text, R"(contractsync_agent_build_info{version="1.2.3+gabc"} 1)"));
    EXPECT_TRUE(has_line(text, "contractsync_agent_uptime_seconds 42"));
    EXPECT_TRUE(has_line(text, "contractsync_agent_outbox_depth 3"));
    EXPECT_TRUE(has_line(text, "contractsync_agent_outbox_bytes 2048"));
    EXPECT_TRUE(has_line(text, "contractsync_agent_outbox_rows 17"));
    EXPECT_TRUE(has_line(text, "contractsync_agent_outbox_oldest_age_seconds 12.5"));
    EXPECT_TRUE(has_line(text, "contractsync_agent_outbox_quarantined 1"));
    EXPECT_TRUE(has_line(text, R"(contractsync_agent_failed_rows{entity="items"} 2)"));
    EXPECT_TRUE(has_line(text, "# TYPE contractsync_agent_runs_total counter"));
    EXPECT_TRUE(
        has_line(text, R"(contractsync_agent_runs_total{entity="items",status="succeeded"} 2)"));
    EXPECT_TRUE(
        has_line(text, R"(contractsync_agent_runs_total{entity="prices",status="failed"} 1)"));
    EXPECT_TRUE(
        has_line(text, R"(contractsync_agent_rows_total{entity="items",stage="fetched"} 15)"));
    EXPECT_TRUE(
        has_line(text, R"(contractsync_agent_rows_total{entity="items",stage="inserted"} 13)"));
    EXPECT_TRUE(
        has_line(text, R"(contractsync_agent_rows_total{entity="items",stage="failed"} 2)"));
    EXPECT_TRUE(has_line(text, "contractsync_agent_relay_connected 0"));
    EXPECT_TRUE(has_line(text, R"(contractsync_agent_relay_state{state="waiting"} 1)"));
    EXPECT_TRUE(has_line(text, R"(contractsync_agent_relay_state{state="connected"} 0)"));
    EXPECT_TRUE(has_line(text, "contractsync_agent_relay_consecutive_failures 4"));
    EXPECT_TRUE(has_line(text, "contractsync_agent_relay_sessions_total 2"));
    EXPECT_TRUE(
        has_line(text, R"(contractsync_agent_relay_change_sets_total{result="applied"} 8)"));
    // Every sample belongs to a family declared before it.
    EXPECT_EQ(text.find("contractsync_agent_"), text.find("# HELP contractsync_agent_") + 7);
}

TEST(AgentMetricsTest, LabelValuesAreEscaped) {
    AgentMetrics m;
    m.version = "x";
    m.failed_rows["odd \"name\"\\\n"] = 1;
    EXPECT_TRUE(
        has_line(render(m), R"(contractsync_agent_failed_rows{entity="odd \"name\"\\\n"} 1)"));
}

TEST(AgentMetricsTest, WithoutARelayThereAreNoRelaySamples) {
    AgentMetrics m;
    m.version = "x";
    EXPECT_EQ(render(m).find("relay_"), std::string::npos);
}

TEST(MetricsServerTest, ServesMetricsOnLoopbackOnly) {
    int scrapes = 0;
    auto server = MetricsServer::start("127.0.0.1", 0, [&scrapes] {
        ++scrapes;
        return std::string("contractsync_agent_outbox_depth 7\n");
    });
    ASSERT_TRUE(server) << server.error().message;
    std::uint16_t port = (*server)->port();
    ASSERT_NE(port, 0);

    auto ok = http_get(port);
    EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << ok;
    EXPECT_NE(ok.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << ok;
    EXPECT_NE(ok.find("\r\n\r\ncontractsync_agent_outbox_depth 7\n"), std::string::npos) << ok;
    EXPECT_EQ(scrapes, 1);

    EXPECT_EQ(http_get(port, "/").rfind("HTTP/1.1 404", 0), 0u);
    auto post =
        http_exchange(port, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(post.rfind("HTTP/1.1 405", 0), 0u) << post;
    EXPECT_EQ(scrapes, 1);
}

TEST(MetricsServerTest, AClientThatSendsNothingDoesNotBlockScrapes) {
    auto server = MetricsServer::start("127.0.0.1", 0, [] { return std::string("up 1\n"); });
    ASSERT_TRUE(server) << server.error().message;
    std::uint16_t port = (*server)->port();
    // A connection that never sends its request, on another thread.
    std::thread idle([port] { (void)http_exchange(port, ""); });
    auto started = std::chrono::steady_clock::now();
    auto ok = http_get(port);
    EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    idle.join();  // the server closes it after its 5 s request timeout
}

TEST(MetricsServerTest, APortInUseIsAClearError) {
    auto first = MetricsServer::start("127.0.0.1", 0, [] { return std::string(); });
    ASSERT_TRUE(first);
    auto second = MetricsServer::start("127.0.0.1", (*first)->port(), [] { return std::string(); });
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find("metrics: cannot listen on 127.0.0.1:"),
              std::string::npos)
        << second.error().message;
}

}  // namespace
}  // namespace cs::agent::metrics

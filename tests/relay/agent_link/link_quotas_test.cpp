// Per-site quotas (docs/security.md, section 3, "A compromised agent"): an
// agent with a valid site key cannot grow the database without bound. What the
// site has keeps working; what would go past a quota is refused with a reason
// naming the limit and its setting, logged and counted; nothing of it is stored.
#include <gtest/gtest.h>

#include "tests/relay/agent_link/link_fixture.hpp"
#include "tests/relay/support/log_capture.hpp"

namespace cs::relay::agent_link {
namespace {

using testing::TestAgent;
using Kind = TestAgent::Message::Kind;

class LinkQuotasTest : public LinkFixture {
protected:
    void configure(RelayConfig& c) override {
        c.limits.max_entities_per_site = 3;
        c.limits.max_streams_per_site = 3;
        c.limits.failed_rows_cap = 5;
        c.limits.max_failed_rows_per_site = 8;
    }

    std::unique_ptr<TestAgent> welcomed(const std::string& key, const std::string& stream) {
        auto agent = std::make_unique<TestAgent>(port());
        EXPECT_EQ(agent->connect(key), 101);
        auto w = agent->hello({stream});
        EXPECT_EQ(w.json().value("type", ""), "welcome") << w.describe();
        return agent;
    }

    // Sends one change set of `rows` new rows of `source` and returns its ack.
    nlohmann::json send_set(TestAgent& agent, testing::SourceModel& source,
                            const std::string& stream, std::uint64_t& next, std::uint64_t first,
                            std::uint64_t rows = 10) {
        auto sets = frames(source, stream, next, first, rows, 1, 1'000);
        if (sets.size() != 1) {
            ADD_FAILURE() << sets.size() << " change sets for new rows " << first << "..";
            return {};
        }
        EXPECT_TRUE(agent.send_binary(sets.begin()->second));
        auto ack = agent.read_type("ack");
        EXPECT_EQ(ack.kind, Kind::text) << ack.describe();
        return ack.json();
    }

    std::string records_of(const std::string& site_id, const std::string& entity) {
        return scalar("SELECT count(*) FROM records WHERE site_id = '" + site_id +
                      "' AND entity = '" + entity + "'");
    }

    // A failed_rows message for `entity` with rows <prefix>0 .. <prefix>(n-1).
    static std::string failed_rows(const std::string& entity, const std::string& prefix, int n) {
        std::string out = R"({"type":"failed_rows","entity":")" + entity + R"(","rows":[)";
        for (int i = 0; i < n; ++i) {
            out += std::string(i ? "," : "") + R"({"id":")" + prefix + std::to_string(i) +
                   R"(","run_id":"run-1","stage":"normalize","field":"cost",)"
                   R"("error":"'x' is not a number","value":"x","raw":{"cost":"x"}})";
        }
        return out + "]}";
    }

    // Constructed before SetUp starts the relay, destroyed after TearDown stopped it.
    testing::LogCapture log_;
};

TEST_F(LinkQuotasTest, ANewEntityPastTheQuotaIsRejectedWhileTheSitesEntitiesKeepWorking) {
    auto agent = welcomed(a_.key, stream_a_);
    std::uint64_t next = 1;
    std::vector<std::unique_ptr<testing::SourceModel>> known;
    for (const auto* entity : {"items", "suppliers", "prices"}) {
        known.push_back(std::make_unique<testing::SourceModel>(entity, testing::item_schema()));
        auto ack = send_set(*agent, *known.back(), stream_a_, next, 0);
        EXPECT_EQ(ack["status"], "applied") << entity << ": " << ack;
        EXPECT_EQ(records_of(a_.site.site_id, entity), "10");
    }

    testing::SourceModel fourth("contracts", testing::item_schema());
    auto refused = send_set(*agent, fourth, stream_a_, next, 0);
    EXPECT_EQ(refused["status"], "rejected") << refused;
    EXPECT_EQ(refused["sequence"], 4);
    auto error = refused.value("error", "");
    EXPECT_NE(error.find("entity 'contracts' refused"), std::string::npos) << error;
    EXPECT_NE(error.find("already has 3 entities"), std::string::npos) << error;
    EXPECT_NE(error.find("limits.max_entities_per_site"), std::string::npos) << error;
    EXPECT_EQ(records_of(a_.site.site_id, "contracts"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log WHERE entity = 'contracts'"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM applied_change_sets WHERE entity = 'contracts'"), "0");
    EXPECT_EQ(scalar("SELECT kind || ':' || sequence || ':' || severity FROM relay_events "
                     "WHERE kind = 'quota'"),
              "quota:4:alert");

    // The site's own entities are still applied, new rows and all; so is the
    // refused entity on another site, whose quota is its own.
    for (std::size_t i = 0; i < known.size(); ++i) {
        auto ack = send_set(*agent, *known[i], stream_a_, next, 100);
        EXPECT_EQ(ack["status"], "applied") << ack;
        testing::expect_records_match(*conn_, db_->site_ref(a_), *known[i]);
    }
    EXPECT_EQ(send_set(*agent, fourth, stream_a_, next, 10)["status"], "rejected");
    auto b = welcomed(b_.key, stream_b_);
    std::uint64_t b_next = 1;
    testing::SourceModel b_contracts("contracts", testing::item_schema());
    EXPECT_EQ(send_set(*b, b_contracts, stream_b_, b_next, 0)["status"], "applied");
    EXPECT_EQ(records_of(b_.site.site_id, "contracts"), "10");

    auto metrics = scrape();
    EXPECT_NE(metrics.find("contractsync_relay_quota_refusals_total{quota=\"entities\"} 2"),
              std::string::npos)
        << metrics;
    EXPECT_EQ(log_.count({"site " + a_.site.site_id + ":", "rejected: entity 'contracts' refused",
                          "limits.max_entities_per_site"}),
              2u)
        << log_.text();
}

TEST_F(LinkQuotasTest, ANewStreamPastTheQuotaClosesWith4005WhileTheSitesStreamsKeepWorking) {
    const std::vector<std::string> streams = {"0190f5e2-7a41-7c3e-8b5d-0000000000e1",
                                              "0190f5e2-7a41-7c3e-8b5d-0000000000e2",
                                              "0190f5e2-7a41-7c3e-8b5d-0000000000e3"};
    testing::SourceModel source("items", testing::item_schema());
    std::uint64_t item = 0;
    for (const auto& stream : streams) {
        auto agent = welcomed(a_.key, stream);  // each replaces the one before (4004)
        std::uint64_t next = 1;
        EXPECT_EQ(send_set(*agent, source, stream, next, item += 10)["status"], "applied");
    }
    auto count_streams = "SELECT count(*) FROM streams WHERE site_id = '" + a_.site.site_id + "'";
    EXPECT_EQ(scalar(count_streams), "3");

    // An agent installed a fourth time: its hello is refused.
    const std::string fourth = "0190f5e2-7a41-7c3e-8b5d-0000000000e4";
    TestAgent reinstalled(port());
    ASSERT_EQ(reinstalled.connect(a_.key), 101);
    auto m = reinstalled.hello({fourth});
    EXPECT_EQ(m.kind, Kind::closed) << m.describe();
    EXPECT_EQ(m.close_code, 4005) << m.describe();
    EXPECT_NE(m.close_reason.find("site has 3 streams, limits.max_streams_per_site is 3"),
              std::string::npos)
        << m.close_reason;
    EXPECT_NE(m.close_reason.find(fourth), std::string::npos) << m.close_reason;

    // An agent that names a known stream in hello but sends a new one is
    // refused when the set arrives, with nothing of it stored.
    auto sneaky = welcomed(a_.key, streams[0]);
    std::uint64_t next = 1;
    auto sets = frames(source, fourth, next, 500, 10, 1, 100);
    ASSERT_TRUE(sneaky->send_binary(sets.begin()->second));
    auto closed = sneaky->read_type("ack");
    EXPECT_EQ(closed.close_code, 4005) << closed.describe();
    EXPECT_NE(closed.close_reason.find("limits.max_streams_per_site"), std::string::npos)
        << closed.close_reason;
    EXPECT_EQ(scalar(count_streams), "3");
    EXPECT_EQ(scalar("SELECT count(*) FROM records"), "30");

    // Every stream the site has still connects and applies.
    for (const auto& stream : streams) {
        auto agent = welcomed(a_.key, stream);
        std::uint64_t seq = 2;
        EXPECT_EQ(send_set(*agent, source, stream, seq, item += 10)["status"], "applied");
    }
    EXPECT_EQ(scalar(count_streams), "3");

    auto metrics = scrape();
    EXPECT_NE(metrics.find("contractsync_relay_quota_refusals_total{quota=\"streams\"} 2"),
              std::string::npos)
        << metrics;
    EXPECT_EQ(log_.count({"site " + a_.site.site_id + ":", "with 4005: stream quota",
                          "limits.max_streams_per_site"}),
              2u)
        << log_.text();
}

TEST_F(LinkQuotasTest, FailedRowsStayWithinTheSiteTotalOldestDroppedFirst) {
    auto agent = welcomed(a_.key, stream_a_);
    auto rows_now = [&](const std::string& expected) {
        return eventually("SELECT string_agg(row_id, ',' ORDER BY row_id) FROM failed_rows",
                          expected);
    };
    // 7 rows of one entity: its own cap (5) keeps the newest 5.
    ASSERT_TRUE(agent->send_text(failed_rows("items", "a", 7)));
    ASSERT_TRUE(rows_now("a0,a1,a2,a3,a4"));
    // 5 of another: 10 in all, over the site's 8, so the 2 oldest go.
    ASSERT_TRUE(agent->send_text(failed_rows("prices", "b", 5)));
    ASSERT_TRUE(rows_now("a0,a1,a2,b0,b1,b2,b3,b4")) << scalar("SELECT count(*) FROM failed_rows");
    // Sent again (the agent resends unconfirmed batches): refreshed, not added.
    ASSERT_TRUE(agent->send_text(failed_rows("prices", "b", 5)));
    ASSERT_TRUE(agent->send_text(failed_rows("suppliers", "c", 3)));
    ASSERT_TRUE(rows_now("b0,b1,b2,b3,b4,c0,c1,c2"));
    EXPECT_EQ(scalar("SELECT failed_row_count FROM sites WHERE name = 'site-a'"), "8");

    auto metrics = scrape();
    EXPECT_NE(metrics.find("contractsync_relay_failed_rows_pruned_total{cap=\"entity\"} 2"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("contractsync_relay_failed_rows_pruned_total{cap=\"site\"} 5"),
              std::string::npos)
        << metrics;
}

}  // namespace
}  // namespace cs::relay::agent_link

// Bad input and a bad network: the relay refuses what it must with the
// documented close code or a rejected ack, keeps serving other agents, and
// applies every change set exactly once however often it arrives.
#include <atomic>

#include <gtest/gtest.h>

#include "common/wire/codec.hpp"
#include "tests/relay/agent_link/link_fixture.hpp"
#include "tests/relay/support/log_capture.hpp"
#include "tests/relay/support/tcp_proxy.hpp"

namespace cs::relay::agent_link {
namespace {

using testing::TestAgent;
using Kind = TestAgent::Message::Kind;

class LinkFaultsTest : public LinkFixture {
protected:
    void configure(RelayConfig& c) override {
        c.limits.wire.max_frame_bytes = 256 * 1024;
        c.limits.max_text_message_bytes = 64 * 1024;
    }

    // Site B streams `sets` change sets on its own thread meanwhile.
    std::thread stream_b(testing::SourceModel& source, testing::UplinkReport& report,
                         std::size_t sets) {
        std::uint64_t next = 1;
        auto b_frames = frames(source, stream_b_, next, 0, sets * 500, 1, 500);
        return std::thread([this, b_frames, &report] {
            report = testing::run_uplink(
                b_frames, {.port = port(), .key = b_.key, .stream_id = stream_b_, .window = 2});
        });
    }

    // Constructed before SetUp starts the relay, destroyed after TearDown stopped it.
    testing::LogCapture log_;
};

TEST_F(LinkFaultsTest, AnOversizedFrameClosesWith1009WhileAnotherAgentKeepsWorking) {
    testing::SourceModel b_source("items", testing::item_schema());
    testing::UplinkReport b_report;
    auto b = stream_b(b_source, b_report, 20);

    TestAgent agent(port());
    ASSERT_EQ(agent.connect(a_.key), 101);
    ASSERT_EQ(agent.hello({stream_a_}).json().value("type", ""), "welcome");
    (void)agent.send_binary(std::string(300 * 1024, 'x'));
    auto m = agent.read();
    EXPECT_EQ(m.kind, Kind::closed) << m.describe();
    EXPECT_EQ(m.close_code, 1009);

    TestAgent text(port());
    ASSERT_EQ(text.connect(a_.key), 101);
    ASSERT_EQ(text.hello({stream_a_}).json().value("type", ""), "welcome");
    (void)text.send_text(R"({"type":"heartbeat","status":{"x":")" + std::string(100 * 1024, 'y') +
                         "\"}}");
    auto t = text.read();
    EXPECT_EQ(t.close_code, 1009) << t.describe();

    // Far beyond every limit: refused while it arrives, never held whole, with
    // the same close and log line as the one just over the limit.
    TestAgent huge(port());
    ASSERT_EQ(huge.connect(a_.key), 101);
    ASSERT_EQ(huge.hello({stream_a_}).json().value("type", ""), "welcome");
    (void)huge.send_binary(std::string(3u << 20, 'x'));
    auto h = huge.read();
    EXPECT_EQ(h.close_code, 1009) << h.describe();
    EXPECT_NE(h.close_reason.find("max_frame_bytes 262144"), std::string::npos) << h.describe();

    b.join();
    EXPECT_TRUE(b_report.complete) << b_report.last_problem;
    EXPECT_EQ(b_report.connections, 1);
    testing::expect_records_match(*conn_, db_->site_ref(b_), b_source);
    auto metrics = scrape();
    EXPECT_NE(metrics.find("contractsync_relay_errors_total{kind=\"message_too_big\"} 3"),
              std::string::npos)
        << metrics;
    // The relay's log names the site, the close code and the reason it sent.
    auto site = "site " + a_.site.site_id + ":";
    EXPECT_EQ(log_.count({site, "with 1009", "exceeds max_frame_bytes 262144"}), 2u) << log_.text();
    EXPECT_EQ(log_.count({site, "with 1009", "exceeds the limit of 65536"}), 1u) << log_.text();
    EXPECT_FALSE(log_.contains("application data after close notify")) << log_.text();
}

TEST_F(LinkFaultsTest, MalformedFramesGetARejectedAckOr4000WhileAnotherAgentKeepsWorking) {
    testing::SourceModel b_source("items", testing::item_schema());
    testing::UplinkReport b_report;
    auto b = stream_b(b_source, b_report, 20);

    testing::SourceModel source("items", testing::item_schema());
    std::uint64_t next = 1;
    auto sets = frames(source, stream_a_, next, 0, 20, 1, 10);
    TestAgent agent(port());
    ASSERT_EQ(agent.connect(a_.key), 101);
    ASSERT_EQ(agent.hello({stream_a_}).json().value("type", ""), "welcome");
    // Set 1 with a broken checksum: identifiable, so rejected and alerted.
    auto corrupt = sets[1];
    corrupt[14] = static_cast<char>(corrupt[14] ^ 0x5a);
    ASSERT_TRUE(agent.send_binary(corrupt));
    auto rejected = agent.read_type("ack").json();
    EXPECT_EQ(rejected["sequence"], 1);
    EXPECT_EQ(rejected["status"], "rejected");
    EXPECT_NE(rejected.value("error", "").find("checksum"), std::string::npos) << rejected;
    // The agent quarantines it and goes on: set 2 is applied after the gap.
    ASSERT_TRUE(agent.send_binary(sets[2]));
    EXPECT_EQ(agent.read_type("ack").json()["status"], "applied");
    EXPECT_EQ(scalar("SELECT kind || ':' || sequence FROM relay_events WHERE kind = 'rejected'"),
              "rejected:1");
    // Bytes that are no change set at all: nothing to acknowledge, so 4000.
    ASSERT_TRUE(agent.send_binary("definitely not a change set"));
    auto closed = agent.read_type("ack");
    EXPECT_EQ(closed.close_code, 4000) << closed.describe();
    EXPECT_NE(closed.close_reason.find("malformed change set"), std::string::npos);

    TestAgent json(port());
    ASSERT_EQ(json.connect(a_.key), 101);
    ASSERT_EQ(json.hello({stream_a_}).json().value("type", ""), "welcome");
    ASSERT_TRUE(json.send_text("{\"type\": \"heartbeat\", "));
    auto j = json.read();
    EXPECT_EQ(j.close_code, 4000) << j.describe();
    EXPECT_NE(j.close_reason.find("malformed JSON"), std::string::npos) << j.close_reason;

    b.join();
    EXPECT_TRUE(b_report.complete) << b_report.last_problem;
    EXPECT_EQ(b_report.connections, 1);
    testing::expect_records_match(*conn_, db_->site_ref(b_), b_source);
    testing::expect_ledger(*conn_, db_->site_ref(a_), stream_a_, {2});
}

TEST_F(LinkFaultsTest, EveryFrameSentTwiceIsAppliedOnceAndAckedDuplicate) {
    testing::SourceModel source("items", testing::item_schema());
    std::uint64_t next = 1;
    auto sets = frames(source, stream_a_, next, 0, 2'000, 1, 100);
    auto more = frames(source, stream_a_, next, 1'000, 2'000, 2, 100);  // updates and inserts
    sets.insert(more.begin(), more.end());
    auto report = testing::run_uplink(sets, {.port = port(),
                                             .key = a_.key,
                                             .stream_id = stream_a_,
                                             .window = 4,
                                             .duplicate_frames = true});
    ASSERT_TRUE(report.complete) << report.last_problem;
    for (const auto& [seq, statuses] : report.acks) {
        EXPECT_EQ(statuses, (std::vector<std::string>{"applied", "duplicate"})) << seq;
    }
    EXPECT_EQ(report.acks.size(), sets.size());
    std::set<std::uint64_t> all;
    for (const auto& [seq, f] : sets) {
        all.insert(seq);
    }
    testing::expect_ledger(*conn_, db_->site_ref(a_), stream_a_, all);
    testing::expect_records_match(*conn_, db_->site_ref(a_), source);
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log"), "4000");  // 3000 inserts + 1000 updates
}

TEST_F(LinkFaultsTest, RepeatedTcpCutsLoseNothingAndApplyNothingTwice) {
    testing::TcpProxy proxy(port());
    testing::SourceModel source("items", testing::item_schema());
    std::uint64_t next = 1;
    auto sets = frames(source, stream_a_, next, 0, 6'000, 1, 200);
    auto more = frames(source, stream_a_, next, 3'000, 6'000, 2, 200);
    sets.insert(more.begin(), more.end());
    // Cut every connection after every few acknowledgements, from another
    // thread, so cuts land in the middle of applies, acks and frames whatever
    // the machine's speed; each cut waits for progress, so the stream completes.
    std::atomic<bool> done{false};
    std::atomic<std::size_t> acks{0};
    std::thread cutter([&] {
        std::size_t acks_at_cut = 0;
        while (!done) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            if (acks >= acks_at_cut + 4) {
                acks_at_cut = acks;
                proxy.cut_all();
            }
        }
    });
    auto report =
        testing::run_uplink(sets, {.port = proxy.port(),
                                   .key = a_.key,
                                   .stream_id = stream_a_,
                                   .window = 4,
                                   .on_ack = [&](std::uint64_t, const std::string&) { ++acks; }});
    done = true;
    cutter.join();
    ASSERT_TRUE(report.complete) << report.last_problem;
    EXPECT_GE(proxy.cuts(), 5u);
    EXPECT_GE(report.connections, 5);
    std::set<std::uint64_t> all;
    for (const auto& [seq, f] : sets) {
        all.insert(seq);
    }
    testing::expect_ledger(*conn_, db_->site_ref(a_), stream_a_, all);
    testing::expect_records_match(*conn_, db_->site_ref(a_), source);
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log"), "12000");  // 9000 inserts + 3000 updates
    EXPECT_TRUE(eventually("SELECT online FROM sites WHERE name = 'site-a'", "f"));
}

}  // namespace
}  // namespace cs::relay::agent_link

#include "agent/ship/uplink.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "agent/outbox/outbox.hpp"
#include "agent/track/run_record.hpp"
#include "agent/validate/failed_row.hpp"
#include "tests/agent/ship/fake_relay.hpp"
#include "tests/agent/ship/ship_test_support.hpp"

namespace cs::agent::ship {
namespace {

using testing::eventually;
using testing::FakeRelay;
using testing::FakeRelayScript;
using testing::RelayRecord;

class UplinkTest : public ::testing::Test {
protected:
    UplinkTest() : store_(StateDb::open(dir_ / "state.db").value()) {}

    std::unique_ptr<Uplink> start(FakeRelay& relay, CommandHandler* handler = nullptr,
                                  const std::function<void(UplinkOptions&)>& tweak = {}) {
        auto options = testing::test_options(dir_ / "state.db", relay.port());
        if (tweak) {
            tweak(options);
        }
        auto uplink = Uplink::start(std::move(options), handler);
        EXPECT_TRUE(uplink) << (uplink ? "" : uplink.error().message);
        return std::move(uplink).value();
    }

    static bool drained(Uplink& uplink) {
        return uplink
            .wait_until([](const UplinkStatus& s) { return s.drained; },
                        std::chrono::steady_clock::now() + std::chrono::seconds(15))
            .drained;
    }

    agent::testing::TempDir dir_;
    StateDb store_;
};

TEST_F(UplinkTest, AuthenticatesWithTheSiteKeyAndSaysHello) {
    FakeRelay relay;
    auto uplink = start(relay);
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.sessions == 1; }));
    auto record = relay.record();
    ASSERT_EQ(record.authorizations.size(), 1u);
    EXPECT_EQ(record.authorizations[0], "Bearer " + testing::kSiteKey);
    EXPECT_EQ(record.user_agents[0], "contractsync-agent/9.9.9-test");
    ASSERT_EQ(record.hellos.size(), 1u);
    EXPECT_EQ(record.hellos[0]["protocols"], nlohmann::json::array({1}));
    EXPECT_EQ(record.hellos[0]["streams"], nlohmann::json::array({store_.stream_id()}));
    EXPECT_TRUE(eventually([&] { return uplink->status().state == LinkState::connected; }));
    EXPECT_EQ(uplink->status().relay_version, "fake-1");
}

TEST_F(UplinkTest, ShipsInOrderNeverExceedingTheWindowAndDeletesOnAck) {
    testing::fill_outbox(store_, 12);
    FakeRelayScript script;
    script.window = 3;  // below the agent's own 8
    script.ack_delay = std::chrono::milliseconds(150);
    FakeRelay relay(script);
    auto uplink = start(relay);
    ASSERT_TRUE(drained(*uplink));
    auto record = relay.record();
    std::vector<std::uint64_t> expected(12);
    std::iota(expected.begin(), expected.end(), 1);
    EXPECT_EQ(record.received, expected);
    EXPECT_EQ(record.max_unacked, 3u);  // filled, never exceeded
    EXPECT_EQ(testing::outbox_depth(store_), 0);
    EXPECT_EQ(uplink->status().applied, 12);
    EXPECT_TRUE(record.errors.empty()) << record.errors.front();
}

TEST_F(UplinkTest, WelcomeLastSequenceTrimsTheOutboxWithoutResending) {
    testing::fill_outbox(store_, 8);
    FakeRelayScript script;
    script.last_sequence = 5;
    FakeRelay relay(script);
    auto uplink = start(relay);
    ASSERT_TRUE(drained(*uplink));
    EXPECT_EQ(relay.record().received, (std::vector<std::uint64_t>{6, 7, 8}));
    EXPECT_EQ(testing::outbox_depth(store_), 0);
}

TEST_F(UplinkTest, RejectedChangeSetIsQuarantinedAndShippingGoesOn) {
    testing::fill_outbox(store_, 4);
    FakeRelayScript script;
    script.reject = {2};
    FakeRelay relay(script);
    auto uplink = start(relay);
    ASSERT_TRUE(drained(*uplink));
    auto quarantined = Outbox(store_.db()).quarantined(10).value();
    ASSERT_EQ(quarantined.size(), 1u);
    EXPECT_EQ(quarantined[0].sequence, 2u);
    EXPECT_EQ(relay.record().applied, (std::set<std::uint64_t>{1, 3, 4}));
    EXPECT_EQ(uplink->status().rejected, 1);
    EXPECT_NE(uplink->status().last_rejection.find("schema violation"), std::string::npos);
}

TEST_F(UplinkTest, ReconnectsAfterADroppedConnectionAndLosesNothing) {
    testing::fill_outbox(store_, 10);
    FakeRelayScript script;
    script.ack_delay = std::chrono::milliseconds(300);  // acks for 1 and 2 never leave
    script.drop_session = 1;
    script.drop_after_frames = 3;
    FakeRelay relay(script);
    auto uplink = start(relay);
    ASSERT_TRUE(drained(*uplink));
    auto record = relay.record();
    EXPECT_EQ(record.sessions, 2);
    std::set<std::uint64_t> all;
    for (std::uint64_t s = 1; s <= 10; ++s) {
        all.insert(s);
    }
    EXPECT_EQ(record.applied, all);
    // 1 and 2 were applied before the drop: the second welcome trims them, so
    // only 3 (applied by no one) and the rest are sent again.
    EXPECT_EQ(std::count(record.received.begin(), record.received.end(), 1u), 1);
    EXPECT_EQ(std::count(record.received.begin(), record.received.end(), 2u), 1);
    EXPECT_EQ(std::count(record.received.begin(), record.received.end(), 3u), 2);
    EXPECT_EQ(testing::outbox_depth(store_), 0);
    EXPECT_EQ(uplink->status().sessions, 2);
}

TEST_F(UplinkTest, SendsHeartbeatsWithTheAgentStatus) {
    testing::fill_outbox(store_, 1);
    FakeRelayScript script;
    script.heartbeat_seconds = 1;
    script.ack_delay = std::chrono::seconds(30);  // keep the outbox non-empty
    FakeRelay relay(script);
    auto uplink = start(relay);
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.heartbeats.size() >= 3; },
                               std::chrono::seconds(8)));
    auto beat = relay.record().heartbeats.back()["status"];
    EXPECT_EQ(beat["agent_version"], "9.9.9-test");
    EXPECT_EQ(beat["outbox"]["depth"], 1);
    EXPECT_EQ(beat["connection"]["state"], "connected");
    EXPECT_EQ(beat["connection"]["sent"], 1);
}

// Answers commands from another thread, as `run` does.
class ThreadedHandler final : public CommandHandler {
public:
    ~ThreadedHandler() override {
        for (auto& t : threads_) {
            t.join();
        }
    }
    void handle(const RelayCommand& command, std::function<void(CommandResult)> reply) override {
        std::lock_guard lock(mutex_);
        seen.push_back(command);
        threads_.emplace_back([command, reply = std::move(reply)] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            reply({command.id, true, "synced " + command.entity, "run-42"});
        });
    }
    std::vector<RelayCommand> seen;

private:
    std::mutex mutex_;
    std::vector<std::thread> threads_;
};

TEST_F(UplinkTest, RelayCommandsAreDispatchedAndAnswered) {
    FakeRelayScript script;
    script.commands = {
        {{"type", "command"}, {"id", "c1"}, {"command", "sync_now"}, {"entity", "items"}},
        {{"type", "command"}, {"id", "c2"}, {"command", "reboot"}}};
    FakeRelay relay(script);
    ThreadedHandler handler;
    auto uplink = start(relay, &handler);
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.command_results.size() == 2; }));
    auto results = relay.record().command_results;
    std::sort(results.begin(), results.end(),
              [](const auto& a, const auto& b) { return a["id"] < b["id"]; });
    EXPECT_EQ(results[0]["id"], "c1");
    EXPECT_TRUE(results[0]["ok"].get<bool>());
    EXPECT_EQ(results[0]["message"], "synced items");
    EXPECT_EQ(results[0]["run_id"], "run-42");
    EXPECT_EQ(results[1]["id"], "c2");
    EXPECT_FALSE(results[1]["ok"].get<bool>());
    uplink->stop();
    ASSERT_EQ(handler.seen.size(), 1u);
    EXPECT_EQ(handler.seen[0].command, "sync_now");
}

TEST_F(UplinkTest, RunReportsAndFailedRowsReachTheRelayAndAreMarkedReported) {
    RunRecord run;
    run.run_id = "run-1";
    run.entity = "items";
    run.mode = "full";
    run.status = RunStatus::succeeded;
    run.started_at = 1;
    run.finished_at = 2;
    ASSERT_TRUE(RunStore(store_.db()).save(run));
    FailedRowStore failed(store_.db());
    ASSERT_TRUE(store_.db().begin());
    for (int i = 0; i < 1200; ++i) {
        FailedRow row;
        row.run_id = "run-1";
        row.entity = "items";
        row.stage = "validate";
        row.error = "missing key";
        row.raw = "row " + std::to_string(i);
        row.created_at = 3;
        ASSERT_TRUE(failed.insert(row));
    }
    ASSERT_TRUE(store_.db().commit());
    FakeRelay relay;
    auto uplink = start(relay);
    ASSERT_TRUE(drained(*uplink));
    auto record = relay.record();
    ASSERT_EQ(record.run_reports.size(), 1u);
    EXPECT_EQ(record.run_reports[0]["run_id"], "run-1");
    std::size_t rows = 0;
    for (const auto& message : record.failed_rows) {
        EXPECT_LE(message["rows"].size(), 500u);
        rows += message["rows"].size();
    }
    EXPECT_EQ(rows, 1200u);
    EXPECT_TRUE(RunStore(store_.db()).unreported(10).value().empty());
    EXPECT_TRUE(failed.unreported(10).value().empty());
}

TEST_F(UplinkTest, NotifyShipsNewChangeSetsWithoutWaitingForThePoll) {
    FakeRelay relay;
    auto uplink =
        start(relay, nullptr, [](UplinkOptions& o) { o.outbox_poll = std::chrono::seconds(60); });
    ASSERT_TRUE(drained(*uplink));
    testing::fill_outbox(store_, 2);
    uplink->notify_outbox();
    EXPECT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.applied.size() == 2; },
                               std::chrono::seconds(3)));
}

TEST_F(UplinkTest, StopClosesTheSessionWith1000AndKeepsUnackedEntries) {
    testing::fill_outbox(store_, 3);
    FakeRelayScript script;
    script.ack_delay = std::chrono::seconds(30);
    FakeRelay relay(script);
    auto uplink = start(relay);
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.received.size() == 3; }));
    uplink->stop();
    EXPECT_EQ(uplink->status().state, LinkState::stopped);
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return !r.agent_close_codes.empty(); }));
    EXPECT_EQ(relay.record().agent_close_codes[0], 1000);
    EXPECT_EQ(testing::outbox_depth(store_), 3);
}

}  // namespace
}  // namespace cs::agent::ship

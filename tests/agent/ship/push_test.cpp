#include "agent/ship/push.hpp"

#include <gtest/gtest.h>

#include "tests/agent/ship/fake_relay.hpp"
#include "tests/agent/ship/ship_test_support.hpp"

namespace cs::agent::ship {
namespace {

using testing::FakeRelay;
using testing::FakeRelayScript;
using namespace std::chrono_literals;

class PushTest : public ::testing::Test {
protected:
    PushTest() : store_(StateDb::open(dir_ / "state.db").value()) {}
    agent::testing::TempDir dir_;
    StateDb store_;
};

TEST_F(PushTest, ShipsEverythingAndReportsAnEmptyOutbox) {
    testing::fill_outbox(store_, 20);
    FakeRelayScript script;
    script.window = 4;
    FakeRelay relay(script);
    auto result = push_outbox(testing::test_options(dir_ / "state.db", relay.port()), 20s).value();
    EXPECT_TRUE(result.drained);
    EXPECT_EQ(result.remaining, 0);
    EXPECT_EQ(result.applied, 20);
    EXPECT_EQ(result.rejected, 0);
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(relay.record().applied.size(), 20u);
    EXPECT_EQ(testing::outbox_depth(store_), 0);
}

TEST_F(PushTest, RejectedSetsAreHandledButCounted) {
    testing::fill_outbox(store_, 5);
    FakeRelayScript script;
    script.reject = {3};
    FakeRelay relay(script);
    auto result = push_outbox(testing::test_options(dir_ / "state.db", relay.port()), 20s).value();
    EXPECT_TRUE(result.drained);
    EXPECT_EQ(result.remaining, 0);
    EXPECT_EQ(result.rejected, 1);
    EXPECT_NE(result.last_rejection.find("sequence 3"), std::string::npos);
}

TEST_F(PushTest, GivesUpAtOnceWhenTheKeyIsRefused) {
    testing::fill_outbox(store_, 2);
    FakeRelayScript script;
    script.upgrade_status = 401;
    FakeRelay relay(script);
    auto started = std::chrono::steady_clock::now();
    auto result = push_outbox(testing::test_options(dir_ / "state.db", relay.port()), 30s).value();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_FALSE(result.drained);
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.failure, LinkFailure::unauthorized);
    EXPECT_EQ(result.remaining, 2);
    EXPECT_EQ(relay.record().upgrades, 1);
}

TEST_F(PushTest, TimesOutWithTheLastProblemWhenTheRelayIsUnreachable) {
    testing::fill_outbox(store_, 2);
    std::uint16_t port = 0;
    {
        FakeRelay gone;
        port = gone.port();
    }
    auto result = push_outbox(testing::test_options(dir_ / "state.db", port), 1500ms).value();
    EXPECT_TRUE(result.timed_out);
    EXPECT_FALSE(result.drained);
    EXPECT_EQ(result.remaining, 2);
    EXPECT_EQ(result.failure, LinkFailure::network);
    EXPECT_FALSE(result.reason.empty());
}

TEST_F(PushTest, EmptyOutboxStillConnectsAndSucceeds) {
    FakeRelay relay;
    auto result = push_outbox(testing::test_options(dir_ / "state.db", relay.port()), 10s).value();
    EXPECT_TRUE(result.drained);
    EXPECT_EQ(relay.record().sessions, 1);
}

TEST_F(PushTest, StopFlagInterruptsAWait) {
    testing::fill_outbox(store_, 1);
    FakeRelayScript script;
    script.ack_delay = 30s;  // never acks in time
    FakeRelay relay(script);
    std::atomic<bool> stop{false};
    std::thread stopper([&] {
        std::this_thread::sleep_for(300ms);
        stop = true;
    });
    auto result =
        push_outbox(testing::test_options(dir_ / "state.db", relay.port()), 30s, &stop).value();
    stopper.join();
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.remaining, 1);
}

}  // namespace
}  // namespace cs::agent::ship

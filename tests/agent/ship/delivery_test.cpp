#include "agent/ship/delivery.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace cs::agent::ship {
namespace {

// Records what the window asks of the outbox; can be told to fail.
class RecordingStore final : public DeliveryStore {
public:
    Status delete_through(std::uint64_t sequence) override {
        if (fail_deletes) {
            return Error{ErrorCode::unavailable, "database is locked"};
        }
        calls.push_back("delete<=" + std::to_string(sequence));
        return ok();
    }
    Status quarantine(std::uint64_t sequence, const std::string& error) override {
        if (fail_quarantine) {
            return Error{ErrorCode::unavailable, "database is locked"};
        }
        calls.push_back("quarantine " + std::to_string(sequence) + " " + error);
        return ok();
    }
    std::vector<std::string> calls;
    bool fail_deletes = false;
    bool fail_quarantine = false;
};

TEST(DeliveryWindowTest, RoomFollowsTheWindow) {
    DeliveryWindow w;
    w.begin_session(10, 3);
    EXPECT_EQ(w.next_after(), 10u);
    EXPECT_EQ(w.room(), 3u);
    w.sent(11);
    w.sent(12);
    w.sent(13);
    EXPECT_EQ(w.room(), 0u);
    EXPECT_EQ(w.next_after(), 13u);
    w.acknowledge(11, AckStatus::applied, "");
    EXPECT_EQ(w.room(), 1u);
}

TEST(DeliveryWindowTest, DeletesOnlyThroughAContiguousSettledRun) {
    DeliveryWindow w;
    RecordingStore store;
    w.begin_session(0, 8);
    for (std::uint64_t s = 1; s <= 4; ++s) {
        w.sent(s);
    }
    w.acknowledge(2, AckStatus::applied, "");  // out of order: 1 still in flight
    ASSERT_TRUE(w.settle(store));
    EXPECT_TRUE(store.calls.empty());
    w.acknowledge(1, AckStatus::duplicate, "");
    ASSERT_TRUE(w.settle(store));
    EXPECT_EQ(store.calls, std::vector<std::string>{"delete<=2"});
    EXPECT_TRUE(w.settled());
}

TEST(DeliveryWindowTest, RejectedSetIsQuarantinedBeforeLaterSetsAreDeleted) {
    DeliveryWindow w;
    RecordingStore store;
    w.begin_session(0, 8);
    for (std::uint64_t s = 1; s <= 4; ++s) {
        w.sent(s);
    }
    w.acknowledge(1, AckStatus::applied, "");
    w.acknowledge(2, AckStatus::rejected, "conflict");
    w.acknowledge(3, AckStatus::applied, "");
    w.acknowledge(4, AckStatus::applied, "");
    ASSERT_TRUE(w.settle(store));
    EXPECT_EQ(store.calls,
              (std::vector<std::string>{"delete<=1", "quarantine 2 conflict", "delete<=4"}));
}

TEST(DeliveryWindowTest, FailedQuarantineBlocksDeletesUntilItSucceeds) {
    DeliveryWindow w;
    RecordingStore store;
    w.begin_session(0, 8);
    for (std::uint64_t s = 1; s <= 3; ++s) {
        w.sent(s);
    }
    w.acknowledge(1, AckStatus::rejected, "bad");
    w.acknowledge(2, AckStatus::applied, "");
    w.acknowledge(3, AckStatus::applied, "");
    store.fail_quarantine = true;
    EXPECT_FALSE(w.settle(store));
    EXPECT_TRUE(store.calls.empty());  // 2 and 3 must not sweep 1 away
    EXPECT_FALSE(w.settled());
    store.fail_quarantine = false;
    ASSERT_TRUE(w.settle(store));
    EXPECT_EQ(store.calls, (std::vector<std::string>{"quarantine 1 bad", "delete<=3"}));
}

TEST(DeliveryWindowTest, UnquarantinedRejectionSurvivesReconnectAndClampsTheTrim) {
    DeliveryWindow w;
    RecordingStore store;
    w.begin_session(0, 8);
    w.sent(5);
    w.sent(6);
    w.acknowledge(5, AckStatus::rejected, "bad");
    store.fail_quarantine = true;
    EXPECT_FALSE(w.settle(store));
    // Reconnect: the relay has moved past 5 (and applied 6 before the drop).
    w.begin_session(6, 8);
    EXPECT_EQ(w.trim_through(6), std::optional<std::uint64_t>(4));
    EXPECT_EQ(w.in_flight(), 0u);
    store.fail_quarantine = false;
    ASSERT_TRUE(w.settle(store));
    EXPECT_EQ(store.calls, (std::vector<std::string>{"quarantine 5 bad"}));
    EXPECT_EQ(w.trim_through(6), std::optional<std::uint64_t>(6));
}

TEST(DeliveryWindowTest, AcksForSetsNotInFlightAreReported) {
    DeliveryWindow w;
    w.begin_session(0, 2);
    EXPECT_EQ(w.acknowledge(1, AckStatus::applied, ""), DeliveryWindow::AckResult::not_in_flight);
    w.sent(1);
    EXPECT_EQ(w.acknowledge(1, AckStatus::applied, ""), DeliveryWindow::AckResult::recorded);
    EXPECT_EQ(w.acknowledge(1, AckStatus::applied, ""), DeliveryWindow::AckResult::not_in_flight);
    EXPECT_EQ(w.trim_through(0), std::nullopt);
}

TEST(DeliveryWindowTest, NewSessionForgetsInFlightSets) {
    DeliveryWindow w;
    w.begin_session(0, 2);
    w.sent(1);
    w.sent(2);
    w.begin_session(1, 2);
    EXPECT_EQ(w.in_flight(), 0u);
    EXPECT_EQ(w.room(), 2u);
    EXPECT_EQ(w.next_after(), 1u);
    EXPECT_TRUE(w.settled());
}

}  // namespace
}  // namespace cs::agent::ship

#include "agent/outbox/outbox.hpp"

#include <gtest/gtest.h>

#include "agent/store/state_db.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

OutboxEntry entry(std::uint64_t seq, std::int64_t created) {
    return OutboxEntry{seq, "inv_mast", "run-1", created, 10, std::string(100 + seq, 'x')};
}

TEST(OutboxTest, PendingInOrderAndAcksRemoveThroughASequence) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    Outbox outbox(store.db());
    ASSERT_TRUE(store.db().begin());
    for (std::uint64_t s = 1; s <= 5; ++s) {
        ASSERT_TRUE(outbox.append(entry(s, 1000 + static_cast<std::int64_t>(s))));
    }
    ASSERT_TRUE(store.db().commit());
    auto page = outbox.pending(0, 3).value();
    ASSERT_EQ(page.size(), 3u);
    EXPECT_EQ(page[0].sequence, 1u);
    EXPECT_EQ(page[2].sequence, 3u);
    EXPECT_EQ(page[1].frame, std::string(102, 'x'));
    EXPECT_EQ(outbox.pending(3, 10).value().size(), 2u);

    auto stats = outbox.stats().value();
    EXPECT_EQ(stats.depth, 5);
    EXPECT_EQ(stats.rows, 50);
    EXPECT_EQ(stats.bytes, 101 + 102 + 103 + 104 + 105);
    EXPECT_EQ(stats.oldest_created_at, 1001);

    EXPECT_EQ(outbox.acknowledge_through(3).value(), 3);
    stats = outbox.stats().value();
    EXPECT_EQ(stats.depth, 2);
    EXPECT_EQ(stats.oldest_created_at, 1004);
    EXPECT_EQ(outbox.acknowledge_through(3).value(), 0);  // acks are idempotent
}

TEST(OutboxTest, RejectedEntriesMoveToQuarantineWithTheReason) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    Outbox outbox(store.db());
    ASSERT_TRUE(store.db().begin());
    ASSERT_TRUE(outbox.append(entry(1, 1)));
    ASSERT_TRUE(outbox.append(entry(2, 2)));
    ASSERT_TRUE(store.db().commit());
    ASSERT_TRUE(outbox.quarantine(1, "conflict: sequence 1 already applied with other content"));
    auto pending = outbox.pending(0, 10).value();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].sequence, 2u);
    auto q = outbox.quarantined(10).value();
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].frame, std::string(101, 'x'));
    EXPECT_EQ(outbox.stats()->quarantined, 1);
}

TEST(OutboxTest, EmptyOutboxStats) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    auto stats = Outbox(store.db()).stats().value();
    EXPECT_EQ(stats.depth, 0);
    EXPECT_EQ(stats.bytes, 0);
    EXPECT_FALSE(stats.oldest_created_at);
}

}  // namespace
}  // namespace cs::agent

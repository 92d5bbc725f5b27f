#include "agent/ship/backoff.hpp"

#include <set>

#include <gtest/gtest.h>

#include "agent/ship/failure.hpp"

namespace cs::agent::ship {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, CeilingDoublesUpToTheCap) {
    Backoff backoff({milliseconds(1000), milliseconds(300'000)}, 1);
    std::vector<std::int64_t> ceilings;
    for (int i = 0; i < 12; ++i) {
        ceilings.push_back(backoff.ceiling().count());
        backoff.next();
    }
    EXPECT_EQ(ceilings[0], 1000);
    EXPECT_EQ(ceilings[1], 2000);
    EXPECT_EQ(ceilings[4], 16000);
    EXPECT_EQ(ceilings[8], 256000);
    EXPECT_EQ(ceilings[9], 300000);
    EXPECT_EQ(ceilings[11], 300000);
}

TEST(BackoffTest, FullJitterDrawsAcrossTheWholeRange) {
    Backoff backoff({milliseconds(1000), milliseconds(8000)}, 7);
    for (int i = 0; i < 3; ++i) {
        backoff.next();
    }
    // Now at the cap: 200 draws from [0, 8000] must spread out, not cluster.
    std::int64_t low = 8000;
    std::int64_t high = 0;
    std::set<std::int64_t> distinct;
    for (int i = 0; i < 200; ++i) {
        auto d = backoff.next().count();
        ASSERT_GE(d, 0);
        ASSERT_LE(d, 8000);
        low = std::min(low, d);
        high = std::max(high, d);
        distinct.insert(d);
    }
    EXPECT_LT(low, 1000);
    EXPECT_GT(high, 7000);
    EXPECT_GT(distinct.size(), 150u);
}

TEST(BackoffTest, ResetStartsFromTheBaseAgain) {
    Backoff backoff({milliseconds(100), milliseconds(10'000)}, 3);
    for (int i = 0; i < 6; ++i) {
        backoff.next();
    }
    EXPECT_EQ(backoff.failures(), 6);
    backoff.reset();
    EXPECT_EQ(backoff.failures(), 0);
    EXPECT_EQ(backoff.ceiling(), milliseconds(100));
    EXPECT_LE(backoff.next(), milliseconds(100));
}

TEST(BackoffTest, HugeFailureCountsDoNotOverflow) {
    Backoff backoff({milliseconds(1), milliseconds(60'000)}, 3);
    for (int i = 0; i < 500; ++i) {
        auto d = backoff.next();
        ASSERT_GE(d.count(), 0);
        ASSERT_LE(d.count(), 60'000);
    }
}

TEST(RetryDelayTest, FailuresThatNeedAPersonWaitAtLeastTheOperatorFloor) {
    RetryPolicy policy;
    policy.backoff = {milliseconds(1000), milliseconds(300'000)};
    policy.operator_wait = milliseconds(300'000);
    Backoff backoff(policy.backoff, 11);
    for (auto failure :
         {LinkFailure::unauthorized, LinkFailure::revoked, LinkFailure::quota_exceeded,
          LinkFailure::unsupported_protocol, LinkFailure::proxy_auth, LinkFailure::tls}) {
        auto d = retry_delay(failure, backoff, policy);
        EXPECT_GE(d, milliseconds(300'000)) << to_string(failure);
        EXPECT_LE(d, milliseconds(375'000)) << to_string(failure);
        backoff.reset();
    }
}

TEST(RetryDelayTest, ReplacedWaitsForTheOtherAgentAndTransientFailuresDoNot) {
    RetryPolicy policy;
    policy.backoff = {milliseconds(1000), milliseconds(300'000)};
    policy.replaced_wait = milliseconds(60'000);
    Backoff backoff(policy.backoff, 5);
    EXPECT_GE(retry_delay(LinkFailure::replaced, backoff, policy), milliseconds(60'000));
    backoff.reset();
    for (auto failure : {LinkFailure::network, LinkFailure::relay_error, LinkFailure::relay_busy,
                         LinkFailure::relay_shutdown, LinkFailure::proxy}) {
        EXPECT_LE(retry_delay(failure, backoff, policy), milliseconds(1000)) << to_string(failure);
        backoff.reset();
    }
}

TEST(FailureTest, CloseCodesMapToFailures) {
    EXPECT_EQ(classify_close(4003), LinkFailure::revoked);
    EXPECT_EQ(classify_close(4002), LinkFailure::unsupported_protocol);
    EXPECT_EQ(classify_close(4004), LinkFailure::replaced);
    EXPECT_EQ(classify_close(4005), LinkFailure::quota_exceeded);
    EXPECT_EQ(classify_close(4000), LinkFailure::protocol_violation);
    EXPECT_EQ(classify_close(1011), LinkFailure::relay_error);
    EXPECT_EQ(classify_close(1013), LinkFailure::relay_busy);
    EXPECT_EQ(classify_close(1001), LinkFailure::relay_shutdown);
    EXPECT_EQ(classify_close(1009), LinkFailure::message_too_big);
    EXPECT_EQ(classify_close(1000), LinkFailure::closed);
    EXPECT_TRUE(needs_operator(LinkFailure::revoked));
    EXPECT_TRUE(needs_operator(LinkFailure::quota_exceeded));
    EXPECT_FALSE(needs_operator(LinkFailure::relay_error));
}

}  // namespace
}  // namespace cs::agent::ship

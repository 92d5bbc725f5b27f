// The backoff of failed reconciliation runs (docs/reconciliation.md, "Failed runs").
#include <chrono>

#include <gtest/gtest.h>

#include "relay/recon/scheduler.hpp"

namespace cs::relay::recon {
namespace {

TEST(RetryDelay, DoublesFromTheBaseUpToTheCap) {
    using std::chrono::milliseconds;
    milliseconds base{60'000}, cap{3'600'000};
    EXPECT_EQ(retry_delay(0, base, cap), milliseconds(0)) << "no failure, no delay";
    EXPECT_EQ(retry_delay(1, base, cap), milliseconds(60'000));
    EXPECT_EQ(retry_delay(2, base, cap), milliseconds(120'000));
    EXPECT_EQ(retry_delay(3, base, cap), milliseconds(240'000));
    EXPECT_EQ(retry_delay(6, base, cap), milliseconds(1'920'000));
    EXPECT_EQ(retry_delay(7, base, cap), cap) << "3,840,000 capped";
    EXPECT_EQ(retry_delay(1'000'000, base, cap), cap) << "no overflow however many";
    EXPECT_EQ(retry_delay(1, milliseconds(7'200'000), cap), cap) << "a base over the cap";
}

}  // namespace
}  // namespace cs::relay::recon

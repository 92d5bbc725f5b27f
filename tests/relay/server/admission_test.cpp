// KeyedLimiter: caps in all and per key, refusal without waiting, release on
// destruction from any thread.
#include "relay/server/admission.hpp"

#include <atomic>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace cs::relay::server {
namespace {

TEST(KeyedLimiterTest, CapsEachKeyAndTheTotal) {
    KeyedLimiter limiter(3, 2);
    auto a1 = limiter.try_acquire("a");
    auto a2 = limiter.try_acquire("a");
    ASSERT_TRUE(a1 && a2);
    EXPECT_FALSE(limiter.try_acquire("a")) << "a third for one key is over its cap";
    EXPECT_EQ(limiter.running("a"), 2u);
    auto b1 = limiter.try_acquire("b");
    ASSERT_TRUE(b1) << "another key is not held back by a busy one";
    EXPECT_FALSE(limiter.try_acquire("c")) << "the total is reached";
    EXPECT_EQ(limiter.running(), 3u);
    EXPECT_EQ(limiter.running("c"), 0u) << "a refusal leaves nothing behind";
}

TEST(KeyedLimiterTest, FullSaysWhetherAnAcquireWouldBeRefused) {
    KeyedLimiter limiter(2, 1);
    EXPECT_FALSE(limiter.full("a"));
    auto a = limiter.try_acquire("a");
    EXPECT_TRUE(limiter.full("a")) << "a's cap";
    EXPECT_FALSE(limiter.full("b"));
    auto b = limiter.try_acquire("b");
    EXPECT_TRUE(limiter.full("c")) << "the total";
    EXPECT_EQ(limiter.running(), 2u) << "asking takes nothing";
    EXPECT_TRUE(KeyedLimiter(5, 0).full("x")) << "a zero cap is always full";
}

TEST(KeyedLimiterTest, APermitReleasesItsSlotWhenDestroyed) {
    KeyedLimiter limiter(1, 1);
    {
        auto p = limiter.try_acquire("t");
        ASSERT_TRUE(p);
        EXPECT_FALSE(limiter.try_acquire("u"));
    }
    EXPECT_EQ(limiter.running(), 0u);
    EXPECT_EQ(limiter.running("t"), 0u);
    EXPECT_TRUE(limiter.try_acquire("u"));
}

TEST(KeyedLimiterTest, AMovedPermitReleasesOnce) {
    KeyedLimiter limiter(2, 2);
    auto p = limiter.try_acquire("t");
    ASSERT_TRUE(p);
    std::optional<KeyedLimiter::Permit> moved(std::move(*p));
    p.reset();  // the moved-from permit releases nothing
    EXPECT_EQ(limiter.running("t"), 1u);
    moved.reset();
    EXPECT_EQ(limiter.running("t"), 0u);
    EXPECT_EQ(limiter.running(), 0u);
}

TEST(KeyedLimiterTest, PermitsOutliveTheLimiterAndMayBeReleasedOnAnyThread) {
    std::vector<KeyedLimiter::Permit> held;
    {
        KeyedLimiter limiter(8, 8);
        for (int i = 0; i < 4; ++i) {
            held.push_back(std::move(*limiter.try_acquire("t")));
        }
        std::thread t([permits = std::move(held)]() mutable { permits.clear(); });
        t.join();
        EXPECT_EQ(limiter.running(), 0u);
        held.push_back(std::move(*limiter.try_acquire("t")));
    }
    held.clear();  // after the limiter is gone: no use after free
}

TEST(KeyedLimiterTest, NeverGrantsMoreThanTheCapUnderContention) {
    KeyedLimiter limiter(4, 2);
    std::atomic<int> inside{0};
    std::atomic<int> worst{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                auto p = limiter.try_acquire(t % 2 == 0 ? "even" : "odd");
                if (!p) {
                    ++refused;
                    continue;
                }
                int now = ++inside;
                int seen = worst.load();
                while (now > seen && !worst.compare_exchange_weak(seen, now)) {
                }
                --inside;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_LE(worst.load(), 4);
    EXPECT_EQ(limiter.running(), 0u);
}

}  // namespace
}  // namespace cs::relay::server

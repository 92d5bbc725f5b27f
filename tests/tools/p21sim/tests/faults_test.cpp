#include "tests/tools/p21sim/faults.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace cs::p21sim {
namespace {

TEST(RateLimitSpec, ParsesUnits) {
    EXPECT_EQ(parse_rate_limit("600/min").value().requests, 600u);
    EXPECT_EQ(parse_rate_limit("600/min").value().window_ms, 60'000);
    EXPECT_EQ(parse_rate_limit("10/s").value().window_ms, 1000);
    EXPECT_EQ(parse_rate_limit("5000/h").value().window_ms, 3'600'000);
    EXPECT_EQ(parse_rate_limit("off").value().requests, 0u);
    EXPECT_FALSE(parse_rate_limit("600"));
    EXPECT_FALSE(parse_rate_limit("600/day"));
    EXPECT_FALSE(parse_rate_limit("x/min"));
    EXPECT_EQ(format_rate_limit(parse_rate_limit("10/s").value()), "10/s");
}

TEST(Faults, NoFaultsByDefault) {
    Faults faults({}, 1);
    for (int i = 0; i < 100; ++i) {
        auto d = faults.on_request(i);
        EXPECT_EQ(d.status, 0);
        EXPECT_EQ(d.delay_ms, 0);
        auto p = faults.on_page();
        EXPECT_FALSE(p.truncate || p.expire_tokens || p.stall_ms != 0);
    }
}

TEST(Faults, FailsEveryNthRequest) {
    Faults faults({.error_every = 3}, 1);
    std::vector<int> statuses;
    for (int i = 0; i < 7; ++i) {
        statuses.push_back(faults.on_request(0).status);
    }
    EXPECT_EQ(statuses, (std::vector<int>{0, 0, 500, 0, 0, 500, 0}));
    EXPECT_EQ(faults.counters().errors_500, 2u);
}

TEST(Faults, RandomErrorsFollowTheSeed) {
    auto run = [](std::uint64_t seed) {
        Faults faults({.error_probability = 0.3}, seed);
        std::string pattern;
        for (int i = 0; i < 200; ++i) {
            pattern += faults.on_request(0).status == 500 ? 'x' : '.';
        }
        return pattern;
    };
    EXPECT_EQ(run(5), run(5));
    EXPECT_NE(run(5), run(6));
    std::string pattern = run(5);
    auto failures = std::count(pattern.begin(), pattern.end(), 'x');
    EXPECT_GT(failures, 30);
    EXPECT_LT(failures, 90);
}

TEST(Faults, RateLimitAnswers429WithRetryAfterUntilTheWindowFrees) {
    Faults faults({.rate_limit = {.requests = 3, .window_ms = 60'000}}, 1);
    EXPECT_EQ(faults.on_request(1'000).status, 0);
    EXPECT_EQ(faults.on_request(2'000).status, 0);
    EXPECT_EQ(faults.on_request(3'000).status, 0);
    auto limited = faults.on_request(10'500);
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.retry_after_s, 51);  // the first request leaves the window at 61 s
    EXPECT_EQ(faults.on_request(61'000).status, 0);
    EXPECT_EQ(faults.counters().rate_limited_429, 1u);
}

TEST(Faults, Forced429sComeFirst) {
    Faults faults({.error_every = 1, .force_429 = 2, .retry_after_s = 7}, 1);
    auto first = faults.on_request(0);
    EXPECT_EQ(first.status, 429);
    EXPECT_EQ(first.retry_after_s, 7);
    EXPECT_EQ(faults.on_request(0).status, 429);
    EXPECT_EQ(faults.on_request(0).status, 500);
    EXPECT_EQ(faults.counters().forced_429, 2u);
}

TEST(Faults, LatencyAddsJitterWithinBounds) {
    Faults faults({.latency_ms = 100, .jitter_ms = 20}, 1);
    for (int i = 0; i < 50; ++i) {
        auto d = faults.on_request(0);
        EXPECT_GE(d.delay_ms, 100);
        EXPECT_LE(d.delay_ms, 120);
    }
    EXPECT_EQ(faults.counters().delayed, 50u);
}

TEST(Faults, PageFaultsFireOnTheirPage) {
    Faults faults({.truncate_page = 2, .stall_page = 3, .stall_ms = 900, .expire_token_page = 4},
                  1);
    auto p1 = faults.on_page();
    auto p2 = faults.on_page();
    auto p3 = faults.on_page();
    auto p4 = faults.on_page();
    EXPECT_FALSE(p1.truncate || p1.expire_tokens || p1.stall_ms != 0);
    EXPECT_TRUE(p2.truncate);
    EXPECT_EQ(p3.stall_ms, 900);
    EXPECT_TRUE(p4.expire_tokens);
    EXPECT_FALSE(faults.on_page().truncate);
    EXPECT_EQ(faults.counters().tokens_expired, 1u);
}

TEST(Faults, SettingFaultsRestartsTheirCounts) {
    Faults faults({}, 1);
    faults.on_page();
    faults.on_page();
    faults.set({.truncate_page = 1});
    EXPECT_TRUE(faults.on_page().truncate);
    faults.note_truncated();
    faults.reset({});
    EXPECT_EQ(faults.counters().truncated, 0u);
    EXPECT_FALSE(faults.on_page().truncate);
}

}  // namespace
}  // namespace cs::p21sim

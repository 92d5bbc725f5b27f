#include "relay/metrics/registry.hpp"

#include <gtest/gtest.h>

#include "relay/metrics/relay_metrics.hpp"

namespace cs::relay::metrics {
namespace {

bool contains(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

TEST(RegistryTest, ExposesCountersAndGaugesWithLabels) {
    Registry r;
    r.counter("cs_things_total", "Things", {{"kind", "a\"b\\c\nd"}}).inc(3);
    r.counter("cs_things_total", "Things", {{"kind", "plain"}}).inc();
    r.gauge("cs_level", "Level").set(2.5);
    auto text = r.expose();
    EXPECT_TRUE(contains(text, "# HELP cs_things_total Things")) << text;
    EXPECT_TRUE(contains(text, "# TYPE cs_things_total counter")) << text;
    EXPECT_TRUE(contains(text, R"(cs_things_total{kind="a\"b\\c\nd"} 3)")) << text;
    EXPECT_TRUE(contains(text, R"(cs_things_total{kind="plain"} 1)")) << text;
    EXPECT_TRUE(contains(text, "# TYPE cs_level gauge")) << text;
    EXPECT_TRUE(contains(text, "cs_level 2.5")) << text;
}

TEST(RegistryTest, HistogramBucketsAreCumulativeWithSumAndCount) {
    Registry r;
    auto& h = r.histogram("cs_seconds", "Durations", {0.1, 1});
    h.observe(0.05);
    h.observe(0.5);
    h.observe(0.5);
    h.observe(7);
    auto text = r.expose();
    EXPECT_TRUE(contains(text, "# TYPE cs_seconds histogram")) << text;
    EXPECT_TRUE(contains(text, R"(cs_seconds_bucket{le="0.1"} 1)")) << text;
    EXPECT_TRUE(contains(text, R"(cs_seconds_bucket{le="1"} 3)")) << text;
    EXPECT_TRUE(contains(text, R"(cs_seconds_bucket{le="+Inf"} 4)")) << text;
    EXPECT_TRUE(contains(text, "cs_seconds_sum 8.05")) << text;
    EXPECT_TRUE(contains(text, "cs_seconds_count 4")) << text;
}

TEST(RegistryTest, TheSameNameAndLabelsGiveTheSameMetric) {
    Registry r;
    auto& a = r.counter("cs_x_total", "X", {{"k", "v"}});
    auto& b = r.counter("cs_x_total", "X", {{"k", "v"}});
    EXPECT_EQ(&a, &b);
    EXPECT_THROW(r.gauge("cs_x_total", "X"), std::logic_error);
}

TEST(RegistryTest, RelayMetricsFollowPrometheusNaming) {
    Registry r;
    RelayMetrics m(r);
    m.change_sets_applied.inc();
    auto text = r.expose();
    for (std::size_t pos = 0; (pos = text.find("# TYPE ", pos)) != std::string::npos; ++pos) {
        auto end = text.find('\n', pos);
        auto line = text.substr(pos + 7, end - pos - 7);
        auto name = line.substr(0, line.find(' '));
        auto type = line.substr(line.find(' ') + 1);
        EXPECT_EQ(name.rfind("contractsync_relay_", 0), 0u) << name;
        if (type == "counter") {
            EXPECT_EQ(name.substr(name.size() - 6), "_total") << name;
        }
    }
    EXPECT_TRUE(contains(text, R"(contractsync_relay_change_sets_total{status="applied"} 1)"));
}

}  // namespace
}  // namespace cs::relay::metrics

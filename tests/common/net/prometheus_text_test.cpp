#include "common/net/prometheus_text.hpp"

#include <limits>

#include <gtest/gtest.h>

namespace cs::net {
namespace {

TEST(PrometheusTextTest, EscapesBackslashQuoteAndNewlineInLabelValues) {
    EXPECT_EQ(escape_label_value("items"), "items");
    EXPECT_EQ(escape_label_value(R"(C:\drop "in")"), R"(C:\\drop \"in\")");
    EXPECT_EQ(escape_label_value("two\nlines\ttab"), "two\\nlines\ttab");
}

TEST(PrometheusTextTest, FormatsSampleValuesAsTheExpositionFormatSpellsThem) {
    EXPECT_EQ(format_sample_value(0), "0");
    EXPECT_EQ(format_sample_value(42), "42");
    EXPECT_EQ(format_sample_value(-3), "-3");
    EXPECT_EQ(format_sample_value(123456789012345), "123456789012345");
    EXPECT_EQ(format_sample_value(0.25), "0.25");
    EXPECT_EQ(format_sample_value(1e15), "1000000000000000");
    EXPECT_EQ(format_sample_value(2.5e20), "2.5e+20");
    EXPECT_EQ(format_sample_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_sample_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_sample_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

}  // namespace
}  // namespace cs::net

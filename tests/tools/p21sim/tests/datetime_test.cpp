#include "tests/tools/p21sim/datetime.hpp"

#include <gtest/gtest.h>

namespace cs::p21sim {
namespace {

constexpr std::int64_t kJan1Utc16h = 1735747200000;  // 2025-01-01T16:00:00Z
constexpr std::int64_t kJul1Utc15h = 1751382000000;  // 2025-07-01T15:00:00Z

TimeZone chicago() {
    return TimeZone::locate("America/Chicago").value();
}

TEST(DateTime, WritesNaiveLocalTimeAsP21Does) {
    EXPECT_EQ(format_datetime(kJan1Utc16h, chicago(), DateTimeStyle::naive), "2025-01-01T10:00:00");
    EXPECT_EQ(format_datetime(kJul1Utc15h, chicago(), DateTimeStyle::naive), "2025-07-01T10:00:00");
}

TEST(DateTime, WritesTheOffsetInForceAtTheInstant) {
    EXPECT_EQ(format_datetime(kJan1Utc16h, chicago(), DateTimeStyle::offset),
              "2025-01-01T10:00:00-06:00");
    EXPECT_EQ(format_datetime(kJul1Utc15h, chicago(), DateTimeStyle::offset),
              "2025-07-01T10:00:00-05:00");
    EXPECT_EQ(format_datetime(kJul1Utc15h, chicago(), DateTimeStyle::utc), "2025-07-01T15:00:00Z");
}

TEST(DateTime, WritesMillisecondsOnlyWhenPresent) {
    EXPECT_EQ(format_datetime(kJan1Utc16h + 7, chicago(), DateTimeStyle::naive),
              "2025-01-01T10:00:00.007");
    EXPECT_EQ(format_datetime(kJan1Utc16h + 990, chicago(), DateTimeStyle::utc),
              "2025-01-01T16:00:00.990Z");
}

TEST(DateTime, ParsesEveryLiteralForm) {
    TimeZone tz = chicago();
    EXPECT_EQ(parse_datetime("2025-01-01T16:00:00Z", tz).value(), kJan1Utc16h);
    EXPECT_EQ(parse_datetime("2025-01-01T16:00:00.000Z", tz).value(), kJan1Utc16h);
    EXPECT_EQ(parse_datetime("2025-01-01T16:00Z", tz).value(), kJan1Utc16h);
    EXPECT_EQ(parse_datetime("2025-01-01T11:00:00-05:00", tz).value(), kJan1Utc16h);
    EXPECT_EQ(parse_datetime("2025-01-02T01:30:00+09:30", tz).value(), kJan1Utc16h);
    EXPECT_EQ(parse_datetime("2025-01-01T10:00:00", tz).value(), kJan1Utc16h);  // local
    EXPECT_EQ(parse_datetime("2025-01-01T16:00:00.1234567Z", tz).value(), kJan1Utc16h + 123);
    EXPECT_EQ(parse_datetime("2025-01-01", tz).value(), kJan1Utc16h - 10 * 3'600'000);
}

TEST(DateTime, RejectsMalformedLiterals) {
    TimeZone tz = chicago();
    for (const char* bad : {"2025-1-01", "2025-02-30", "2025-01-01T25:00:00Z", "2025-01-01T10",
                            "2025-01-01T10:00:00X", "2025-01-01T10:00:00+5", "2025-01-01Z",
                            "2025-01-01T10:00:00.Z", "2025-01-01T10:00:00.12345678Z"}) {
        EXPECT_FALSE(parse_datetime(bad, tz)) << bad;
    }
}

TEST(DateTime, ResolvesDstEdgesLikeSqlServer) {
    TimeZone tz = chicago();
    // 2025-11-02 01:30 happens twice in Chicago: the earlier (CDT, UTC-5) wins.
    EXPECT_EQ(parse_datetime("2025-11-02T01:30:00", tz).value(),
              parse_datetime("2025-11-02T06:30:00Z", tz).value());
    // 2025-03-09 02:30 does not exist: it moves forward past the gap.
    EXPECT_EQ(parse_datetime("2025-03-09T02:30:00", tz).value(),
              parse_datetime("2025-03-09T08:30:00Z", tz).value());
}

TEST(DateTime, UnknownTimeZonesAreErrors) {
    EXPECT_FALSE(TimeZone::locate("Mars/Olympus_Mons"));
    EXPECT_FALSE(parse_datetime_style("local"));
    EXPECT_EQ(parse_datetime_style("offset").value(), DateTimeStyle::offset);
}

}  // namespace
}  // namespace cs::p21sim

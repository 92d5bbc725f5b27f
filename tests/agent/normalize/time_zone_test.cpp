#include "agent/normalize/time_zone.hpp"

#include <chrono>

#include <gtest/gtest.h>

#include "agent/normalize/posix_tz.hpp"

namespace cs::agent::normalize {
namespace {

constexpr std::int64_t kHour = 3600;

std::int64_t local_seconds(int y, unsigned m, unsigned d, int hh, int mm) {
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                    std::chrono::day{d}};
    return std::chrono::sys_days{ymd}.time_since_epoch().count() * 86'400 + hh * kHour + mm * 60;
}

TEST(FindZone, ResolvesIanaAndWindowsNamesAndRefusesOthers) {
    auto chicago = find_zone("America/Chicago");
    ASSERT_TRUE(chicago) << chicago.error().message;
    EXPECT_NE(*chicago, nullptr);
    auto utc = find_zone("UTC");
    ASSERT_TRUE(utc);
    EXPECT_EQ(*utc, nullptr);
    // Windows' own name for the zone is the same zone (CLDR windowsZones.xml).
    auto windows = find_zone("Central Standard Time");
    ASSERT_TRUE(windows) << windows.error().message;
    EXPECT_EQ(*windows, *chicago);
    auto bad = find_zone("Mars/Olympus");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("unknown time zone 'Mars/Olympus'"), std::string::npos);
}

TEST(ZoneConverter, ResolvesGapsForwardAndOverlapsToTheFirstOccurrence) {
    ZoneConverter chicago(*find_zone("America/Chicago"));
    // 2026-03-08 02:30 never happened in Chicago: read with CST (-6h).
    EXPECT_EQ(chicago.to_utc(local_seconds(2026, 3, 8, 2, 30)), local_seconds(2026, 3, 8, 8, 30));
    // 2026-11-01 01:30 happened twice: the first time, in CDT (-5h).
    EXPECT_EQ(chicago.to_utc(local_seconds(2026, 11, 1, 1, 30)), local_seconds(2026, 11, 1, 6, 30));
}

// The cache must never change an answer: a converter that has seen a long run
// of other times agrees with a fresh one at every quarter hour through two
// years of transitions, in zones with unusual rules.
TEST(ZoneConverter, CachedAnswersEqualFreshLookups) {
    for (const char* name : {"America/Chicago", "Europe/Berlin", "Australia/Lord_Howe",
                             "Pacific/Apia", "America/Sao_Paulo", "Asia/Kolkata"}) {
        const date::time_zone* zone = *find_zone(name);
        ZoneConverter cached(zone);
        std::int64_t start = local_seconds(2010, 6, 1, 0, 0);  // Apia skipped 2011-12-30
        std::int64_t end = local_seconds(2012, 6, 1, 0, 0);
        int mismatches = 0;
        for (std::int64_t t = start; t < end && mismatches < 5; t += 15 * 60) {
            ZoneConverter fresh(zone);
            std::int64_t want = fresh.to_utc(t);
            std::int64_t got = cached.to_utc(t);
            if (got != want) {
                ++mismatches;
                ADD_FAILURE() << name << " local " << t << ": cached " << got << " fresh " << want;
            }
        }
    }
}

TEST(ZoneConverter, WithoutAZoneIsUtc) {
    ZoneConverter utc;
    EXPECT_EQ(utc.to_utc(123456789), 123456789);
}

TEST(PosixRule, RefusesMalformedRules) {
    for (const char* tz :
         {"", "C6", "CST", "CST6CDT,M3.2.0", "CST6CDT,M13.2.0,M11.1.0", "CST6CDT,M3.6.0,M11.1.0",
          "CST6CDT,J0,J300", "<-03", "CST6CDT,M3.2.0,M11.1.0x"}) {
        EXPECT_FALSE(PosixRule::parse(tz).has_value()) << tz;
    }
    auto fixed = PosixRule::parse("<+0530>-5:30");
    ASSERT_TRUE(fixed.has_value());
    EXPECT_FALSE(fixed->has_dst());
    EXPECT_EQ(fixed->to_utc(local_seconds(2050, 1, 1, 5, 30)), local_seconds(2050, 1, 1, 0, 0));
}

TEST(PosixRule, CountsJulianDaysWithAndWithoutFebruary29) {
    // Jn never counts February 29 (J60 is always March 1); n counts it from zero.
    auto julian = PosixRule::parse("AAA0BBB,J60,J300");
    auto zero_based = PosixRule::parse("AAA0BBB,59,300");
    ASSERT_TRUE(julian && zero_based);
    std::int64_t feb29_noon = local_seconds(2040, 2, 29, 12, 0);
    std::int64_t mar1_noon = local_seconds(2040, 3, 1, 12, 0);
    EXPECT_EQ(julian->to_utc(feb29_noon), feb29_noon);        // still standard time
    EXPECT_EQ(julian->to_utc(mar1_noon), mar1_noon - kHour);  // daylight time
    EXPECT_EQ(zero_based->to_utc(feb29_noon), feb29_noon - kHour);
}

TEST(PosixRule, HandlesTransitionTimesOutsideTheDay) {
    // Nuuk: DST from the last Sunday of March at -1:00 (Saturday 23:00) local.
    auto nuuk = PosixRule::parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
    ASSERT_TRUE(nuuk.has_value());
    // 2040-03-24 23:30 falls in the gap (23:00 -> 00:00): read with -02.
    EXPECT_EQ(nuuk->to_utc(local_seconds(2040, 3, 24, 23, 30)), local_seconds(2040, 3, 25, 1, 30));
    EXPECT_EQ(nuuk->to_utc(local_seconds(2040, 3, 25, 0, 30)), local_seconds(2040, 3, 25, 1, 30));
}

}  // namespace
}  // namespace cs::agent::normalize

// Time zones on Windows, which has no IANA database: the text database
// shipped beside the agent (prepare_time_zones, in test_main.cpp), IANA and
// Windows zone names, rules past 2037, and zones with unusual rules.
#include <chrono>

#include <date/tz.h>
#include <gtest/gtest.h>

#include "agent/normalize/time_zone.hpp"
#include "agent/timezone/zone_names.hpp"

namespace cs::agent::timezone {
namespace {

// Seconds east of UTC in `zone` at the given UTC date and hour.
long offset_at(const char* zone, int y, unsigned m, unsigned d, int hour = 12) {
    auto found = locate(zone);
    EXPECT_TRUE(found) << found.error().message;
    if (!found) {
        return 0;
    }
    auto when = date::sys_days(date::year(y) / m / d) + std::chrono::hours(hour);
    return static_cast<long>(
        (*found)
            ->get_info(std::chrono::time_point_cast<std::chrono::seconds>(when))
            .offset.count());
}

TEST(WindowsTimeZones, TheBundledDatabaseIsLoaded) {
    const auto& db = date::get_tzdb();
    EXPECT_GT(db.zones.size(), 300u);
    EXPECT_FALSE(db.version.empty());
}

TEST(WindowsTimeZones, IanaZonesFollowTheirRules) {
    EXPECT_EQ(offset_at("America/Chicago", 2026, 1, 15), -6 * 3600);
    EXPECT_EQ(offset_at("America/Chicago", 2026, 7, 15), -5 * 3600);
    // Past 2037, where binary zoneinfo files stop listing transitions.
    EXPECT_EQ(offset_at("America/Chicago", 2040, 7, 15), -5 * 3600);
    EXPECT_EQ(offset_at("Europe/Berlin", 2026, 7, 15), 2 * 3600);
    // Ireland's rules are written with a negative saving in winter.
    EXPECT_EQ(offset_at("Europe/Dublin", 2026, 1, 15), 0);
    EXPECT_EQ(offset_at("Europe/Dublin", 2026, 7, 15), 3600);
    // Half-hour daylight saving.
    EXPECT_EQ(offset_at("Australia/Lord_Howe", 2026, 1, 15), 11 * 3600);
    EXPECT_EQ(offset_at("Australia/Lord_Howe", 2026, 7, 15), 10 * 3600 + 1800);
    EXPECT_EQ(offset_at("Asia/Kolkata", 2026, 7, 15), 5 * 3600 + 1800);
}

TEST(WindowsTimeZones, WindowsZoneNamesMapToIana) {
    EXPECT_EQ(iana_for_windows_zone("Central Standard Time"), "America/Chicago");
    EXPECT_EQ(iana_for_windows_zone("eastern standard time"), "America/New_York");
    EXPECT_EQ(iana_for_windows_zone("W. Europe Standard Time"), "Europe/Berlin");
    EXPECT_EQ(iana_for_windows_zone("AUS Eastern Standard Time"), "Australia/Sydney");
    EXPECT_FALSE(iana_for_windows_zone("Mars Standard Time"));
    auto windows = locate("Central Standard Time");
    ASSERT_TRUE(windows) << windows.error().message;
    EXPECT_EQ((*windows)->name(), "America/Chicago");
}

TEST(WindowsTimeZones, ThisMachinesZoneIsKnown) {
    // From Windows' own time zone setting, through windowsZones.xml.
    const date::time_zone* local = nullptr;
    EXPECT_NO_THROW(local = date::current_zone());
    ASSERT_NE(local, nullptr);
    EXPECT_FALSE(local->name().empty());
}

TEST(WindowsTimeZones, LocalTimesConvertThroughTheTextDatabase) {
    auto chicago = normalize::find_zone("America/Chicago");
    ASSERT_TRUE(chicago) << chicago.error().message;
    normalize::ZoneConverter convert(*chicago);
    // 2026-07-01 12:00 CDT is 17:00 UTC; 2040-07-01 12:00 CDT likewise.
    const std::int64_t day_2026 =
        date::sys_days(date::year(2026) / 7 / 1).time_since_epoch().count();
    const std::int64_t day_2040 =
        date::sys_days(date::year(2040) / 7 / 1).time_since_epoch().count();
    EXPECT_EQ(convert.to_utc(day_2026 * 86'400 + 12 * 3600), day_2026 * 86'400 + 17 * 3600);
    EXPECT_EQ(convert.to_utc(day_2040 * 86'400 + 12 * 3600), day_2040 * 86'400 + 17 * 3600);
}

}  // namespace
}  // namespace cs::agent::timezone

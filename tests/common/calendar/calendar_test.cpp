#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "common/calendar/civil.hpp"
#include "common/calendar/iso.hpp"

namespace cs::calendar {
namespace {

std::int64_t chrono_days(int year, unsigned month, unsigned day) {
    std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                    std::chrono::day{day}};
    return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

TEST(DaysFromCivil, AgreesWithChronoAcrossTheSupportedRange) {
    for (int year : {1, 1600, 1899, 1900, 1969, 1970, 2000, 2024, 2100, 9999}) {
        for (unsigned month = 1; month <= 12; ++month) {
            EXPECT_EQ(days_from_civil(year, month, 28), chrono_days(year, month, 28))
                << year << "-" << month;
        }
    }
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

TEST(CivilFromDays, InvertsDaysFromCivilForEveryDayOfFourCenturies) {
    // 1800-01-01 .. 2199-12-31 covers every leap rule (1900 and 2100 are not
    // leap years, 2000 is).
    std::int64_t first = days_from_civil(1800, 1, 1);
    std::int64_t last = days_from_civil(2199, 12, 31);
    CivilDate expected{1800, 1, 1};
    for (std::int64_t days = first; days <= last; ++days) {
        CivilDate got = civil_from_days(days);
        ASSERT_EQ(got, expected) << days;
        ASSERT_EQ(days_from_civil(got.year, got.month, got.day), days);
        if (++expected.day > days_in_month(expected.year, expected.month)) {
            expected.day = 1;
            if (++expected.month > 12) {
                expected.month = 1;
                ++expected.year;
            }
        }
    }
    EXPECT_EQ(civil_from_days(-719162), (CivilDate{1, 1, 1}));
}

TEST(Calendar, KnowsTheLeapYearRulesAndMonthLengths) {
    EXPECT_TRUE(is_leap_year(2024));
    EXPECT_TRUE(is_leap_year(2000));
    EXPECT_FALSE(is_leap_year(1900));
    EXPECT_FALSE(is_leap_year(2023));
    EXPECT_EQ(days_in_month(2024, 2), 29u);
    EXPECT_EQ(days_in_month(2100, 2), 28u);
    EXPECT_EQ(days_in_month(2026, 4), 30u);
    EXPECT_EQ(days_in_month(2026, 13), 0u);
    EXPECT_TRUE(is_valid_ymd(2024, 2, 29));
    EXPECT_FALSE(is_valid_ymd(2023, 2, 29));
    EXPECT_FALSE(is_valid_ymd(2026, 0, 1));
    EXPECT_FALSE(is_valid_ymd(2026, 1, 0));
    EXPECT_EQ(weekday_from_days(0), 4);                             // a Thursday
    EXPECT_EQ(weekday_from_days(days_from_civil(2026, 12, 7)), 1);  // a Monday
    EXPECT_EQ(weekday_from_days(-1), 3);
    EXPECT_EQ(floor_div(-1, 7), -1);
    EXPECT_EQ(floor_div(-7, 7), -1);
    EXPECT_EQ(floor_div(7, 7), 1);
}

std::string date_text(std::int64_t days) {
    std::string out(kIsoDateSize, '?');
    write_iso_date(out.data(), days);
    return out;
}

std::string timestamp_text(std::int64_t micros) {
    char buffer[kIsoTimestampMaxSize];
    return std::string(buffer, write_iso_timestamp(buffer, micros));
}

TEST(IsoText, WritesDatesAndTimestampsOnBothSidesOfTheEpoch) {
    EXPECT_EQ(date_text(0), "1970-01-01");
    EXPECT_EQ(date_text(-1), "1969-12-31");
    EXPECT_EQ(date_text(days_from_civil(1, 1, 1)), "0001-01-01");
    EXPECT_EQ(date_text(days_from_civil(9999, 12, 31)), "9999-12-31");
    EXPECT_EQ(date_text(days_from_civil(2024, 2, 29)), "2024-02-29");
    EXPECT_EQ(timestamp_text(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(timestamp_text(-1), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(timestamp_text(days_from_civil(2026, 12, 7) * kMicrosPerDay +
                             (23 * 3600 + 41 * 60 + 28) * kMicrosPerSecond + 120),
              "2026-12-07T23:41:28.000120Z");
    EXPECT_EQ(
        timestamp_text(days_from_civil(9999, 12, 31) * kMicrosPerDay + kMicrosPerDay - 1).size(),
        kIsoTimestampMaxSize);
}

TEST(IsoText, ReadsFixedDigitsAndSeparatorsWithoutConsumingOnFailure) {
    std::size_t pos = 0;
    int value = 0;
    EXPECT_TRUE(read_digits("2026-12", pos, 4, value));
    EXPECT_EQ(value, 2026);
    EXPECT_EQ(pos, 4u);
    EXPECT_FALSE(read_char("2026-12", pos, ':'));
    EXPECT_EQ(pos, 4u);
    EXPECT_TRUE(read_char("2026-12", pos, '-'));
    EXPECT_FALSE(read_digits("2026-12", pos, 3, value));  // only two digits left
    EXPECT_EQ(pos, 5u);
    EXPECT_EQ(value, 2026);
    EXPECT_FALSE(read_digits("2026-1x", pos, 2, value));
    EXPECT_EQ(pos, 5u);
    std::size_t past = 9;
    EXPECT_FALSE(read_digits("2026", past, 1, value));
    EXPECT_FALSE(read_char("2026", past, '2'));
}

}  // namespace
}  // namespace cs::calendar

#include <chrono>

#include <gtest/gtest.h>

#include "common/parse/date_format.hpp"
#include "common/parse/date_formats.hpp"

namespace cs::parse {
namespace {

std::string compile_error(std::string_view pattern) {
    auto format = DateFormat::compile(pattern);
    return format ? "compiled" : format.error().message;
}

// "YYYY-MM-DD HH:MM:SS.ffffff" of what a format read (no zone applied).
std::string read(std::string_view pattern, std::string_view text) {
    auto format = DateFormat::compile(pattern);
    if (!format) {
        return format.error().message;
    }
    DateTimeParts parts;
    if (!format->match(text, parts)) {
        return "no match";
    }
    std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{parts.days}}};
    std::int64_t s = parts.micros_of_day / 1'000'000;
    std::string out =
        fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), s / 3600,
                    s / 60 % 60, s % 60, parts.micros_of_day % 1'000'000);
    if (parts.has_offset) {
        out += fmt::format(" {:+}", parts.offset_seconds);
    }
    return out;
}

TEST(DateFormat, RefusesPatternsItCannotReadUnambiguously) {
    EXPECT_EQ(
        compile_error("YYYY-MM-DQ"),
        "date format 'YYYY-MM-DQ': unknown letter 'Q' (put literal text in single quotes: 'of')");
    EXPECT_EQ(compile_error("YYYYMD"),
              "date format 'YYYYMD': a one-letter number cannot be "
              "followed directly by another number");
    EXPECT_EQ(compile_error("MM/DD"),
              "date format 'MM/DD': needs a year (YYYY or YY), a month "
              "(M, MM, MMM or MMMM) and a day (D or DD)");
    EXPECT_EQ(compile_error("YYYY-MM-DD hh:mm"),
              "date format 'YYYY-MM-DD hh:mm': 12-hour hours (h, hh) go with A (AM/PM) and "
              "24-hour hours (H, HH) without");
    EXPECT_EQ(compile_error("YYYY-MM-DD 'T"), "date format 'YYYY-MM-DD 'T': unterminated quote");
    EXPECT_EQ(compile_error("YYY-MM-DD"), "date format 'YYY-MM-DD': use YYYY or YY for the year");
    EXPECT_EQ(compile_error("YYYY-MM-DD-DD"), "date format 'YYYY-MM-DD-DD': a part appears twice");
    EXPECT_EQ(compile_error("YYYY-MM-DD ss"),
              "date format 'YYYY-MM-DD ss': minutes need hours, seconds need minutes, f needs "
              "seconds, Z needs a time");
}

TEST(DateFormat, ReadsFixedWidthsNextToOtherNumbers) {
    EXPECT_EQ(read("YYYYMMDD", "20260105"), "2026-01-05 00:00:00.000000");
    EXPECT_EQ(read("YYYYMMDD", "2026015"), "no match");
    EXPECT_EQ(read("YYYYMMDDHHmmss", "20260105143009"), "2026-01-05 14:30:09.000000");
    EXPECT_EQ(read("MM/DD/YYYY", "1/5/2026"), "2026-01-05 00:00:00.000000");
    EXPECT_EQ(read("MM/DD/YYYY", "001/5/2026"), "no match");
}

TEST(DateFormat, ReadsTimesFractionsAndOffsets) {
    EXPECT_EQ(read("DD.MM.YYYY HH:mm:ss.fff", "05.01.2026 23:59:58.123"),
              "2026-01-05 23:59:58.123000");
    EXPECT_EQ(read("YYYY-MM-DDTHH:mm:ssZ", "2026-01-05T10:00:00-05:00"),
              "2026-01-05 10:00:00.000000 -18000");
    EXPECT_EQ(read("YYYY-MM-DD HH:mm Z", "2026-01-05 10:00 +0530"),
              "2026-01-05 10:00:00.000000 +19800");
    EXPECT_EQ(read("M/D/YYYY h:mm A", "1/5/2026 12:05 am"), "2026-01-05 00:05:00.000000");
    EXPECT_EQ(read("M/D/YYYY h:mm A", "1/5/2026 0:05 am"), "no match");
    EXPECT_EQ(read("D 'de' MMMM 'de' YYYY", "5 de enero de 2026"), "no match");
    EXPECT_EQ(read("D 'de' MMM 'de' YYYY", "5 de Jan de 2026"), "2026-01-05 00:00:00.000000");
}

TEST(DateFormat, RefusesImpossibleCalendarDates) {
    EXPECT_EQ(read("YYYY-MM-DD", "2025-02-29"), "no match");
    EXPECT_EQ(read("YYYY-MM-DD", "2000-02-29"), "2000-02-29 00:00:00.000000");
    EXPECT_EQ(read("YYYY-MM-DD", "1900-02-29"), "no match");
    EXPECT_EQ(read("YYYY-MM-DD", "0000-01-01"), "no match");
    EXPECT_EQ(read("YYYY-MM-DD HH:mm:ss", "2026-01-01 23:59:60"), "no match");
}

TEST(Iso8601, AcceptsTheFormsSourcesWrite) {
    EXPECT_EQ(read("ISO8601", "2026-01-05"), "2026-01-05 00:00:00.000000");
    EXPECT_EQ(read("ISO8601", "2026-01-05T10:11"), "2026-01-05 10:11:00.000000");
    EXPECT_EQ(read("ISO8601", "2026-01-05 10:11:12,5"), "2026-01-05 10:11:12.500000");
    EXPECT_EQ(read("ISO8601", "2026-01-05T10:11:12.123456789Z"), "2026-01-05 10:11:12.123456 +0");
    EXPECT_EQ(read("ISO8601", "2026-01-05T10:11:12+01"), "2026-01-05 10:11:12.000000 +3600");
    EXPECT_EQ(read("ISO8601", "2026-01-05T10:11:12.1234567890"), "no match");
    EXPECT_EQ(read("ISO8601", "2026-01-05Z"), "no match");
    EXPECT_EQ(read("ISO8601", "2026-01-05T"), "no match");
}

TEST(ExcelSerial, CountsAroundThePhantomLeapDay) {
    DateTimeParts parts;
    std::string why;
    ASSERT_TRUE(excel_serial_to_parts("59", parts, why));
    std::int32_t day59 = parts.days;
    ASSERT_TRUE(excel_serial_to_parts("61", parts, why));
    EXPECT_EQ(parts.days - day59, 1);  // 1900-02-28 -> 1900-03-01: serial 60 is no day
    EXPECT_FALSE(excel_serial_to_parts("60", parts, why));
    EXPECT_FALSE(excel_serial_to_parts("60.5", parts, why));
    ASSERT_TRUE(excel_serial_to_parts("25569", parts, why));
    EXPECT_EQ(parts.days, 0);  // 1970-01-01
    ASSERT_TRUE(excel_serial_to_parts("25569.0000115740740", parts, why));
    EXPECT_EQ(parts.micros_of_day, 1'000'000);  // one second, rounded to the millisecond
    EXPECT_FALSE(excel_serial_to_parts("1E3%", parts, why));
}

TEST(BuiltinFormats, AllCompileAndDifferOnlyInDayOrder) {
    const auto& month_first = builtin_date_formats(false);
    const auto& day_first = builtin_date_formats(true);
    ASSERT_EQ(month_first.size(), day_first.size());
    auto first_match = [](const std::vector<DateFormat>& formats, std::string_view text) {
        DateTimeParts parts;
        for (const auto& format : formats) {
            if (format.match(text, parts)) {
                return parts.days;
            }
        }
        return std::int32_t{-1};
    };
    std::int32_t us = first_match(month_first, "03/04/2026");
    std::int32_t uk = first_match(day_first, "03/04/2026");
    ASSERT_NE(us, -1);
    EXPECT_EQ(uk - us, 30);  // 3 April vs 4 March
    EXPECT_EQ(first_match(month_first, "2026-03-04"), first_match(day_first, "2026-03-04"));
}

}  // namespace
}  // namespace cs::parse

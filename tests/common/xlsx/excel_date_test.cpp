#include "common/xlsx/excel_date.hpp"

#include <gtest/gtest.h>

#include "common/xlsx/number_format.hpp"

namespace cs::xlsx {
namespace {

std::string date(std::string_view serial, bool date1904 = false, bool time_format = false) {
    auto d = excel_serial_to_date(serial, date1904, time_format);
    if (!d) {
        return "none";
    }
    return std::string(d->kind == CellKind::date ? "date " : "datetime ") + d->text;
}

TEST(ExcelDateTest, WholeSerialsAreDates) {
    EXPECT_EQ(date("45352"), "date 2024-03-01");
    EXPECT_EQ(date("36525"), "date 1999-12-31");
    EXPECT_EQ(date("2958465"), "date 9999-12-31");
    EXPECT_EQ(date("4.5352E4"), "date 2024-03-01");
    EXPECT_EQ(date("45352.0000000001"), "date 2024-03-01");  // noise under a millisecond
}

TEST(ExcelDateTest, The1900LeapYearBug) {
    EXPECT_EQ(date("1"), "date 1900-01-01");
    EXPECT_EQ(date("59"), "date 1900-02-28");
    EXPECT_EQ(date("60"), "none");  // Excel's 1900-02-29 never existed
    EXPECT_EQ(date("61"), "date 1900-03-01");
    EXPECT_EQ(date("0"), "none");
}

TEST(ExcelDateTest, The1904System) {
    EXPECT_EQ(date("0", true), "date 1904-01-01");
    EXPECT_EQ(date("43890", true), "date 2024-03-01");
    EXPECT_EQ(date("60", true), "date 1904-03-01");
}

TEST(ExcelDateTest, FractionsRoundToMillisecondsExactly) {
    EXPECT_EQ(date("45352.4375"), "datetime 2024-03-01T10:30:00");
    EXPECT_EQ(date("45657.999994212965"), "datetime 2024-12-31T23:59:59.500");
    EXPECT_EQ(date("45657.999994213"), "datetime 2024-12-31T23:59:59.500");
    // Rounds to a whole day: float noise around midnight is a date, not 23:59:59.999.
    EXPECT_EQ(date("45657.99999999999"), "date 2025-01-01");
    EXPECT_EQ(date("45657.99999999999", false, true), "datetime 2025-01-01T00:00:00");
    EXPECT_EQ(date("0.5", false, true), "datetime 1899-12-31T12:00:00");
    EXPECT_EQ(date("1.5E-3", false, true), "datetime 1899-12-31T00:02:09.600");
}

TEST(ExcelDateTest, TimeFormatsMakeDatetimesEvenForWholeSerials) {
    EXPECT_EQ(date("45352", false, true), "datetime 2024-03-01T00:00:00");
}

TEST(ExcelDateTest, OutOfRangeIsNotADate) {
    EXPECT_EQ(date("-1"), "none");
    EXPECT_EQ(date("2958466"), "none");
    EXPECT_EQ(date("1E20"), "none");
    EXPECT_EQ(date("abc"), "none");
}

TEST(NumberFormatTest, BuiltinIds) {
    EXPECT_EQ(builtin_number_format(0), NumberFormat::number);
    EXPECT_EQ(builtin_number_format(2), NumberFormat::number);
    EXPECT_EQ(builtin_number_format(14), NumberFormat::date);
    EXPECT_EQ(builtin_number_format(17), NumberFormat::date);
    EXPECT_EQ(builtin_number_format(18), NumberFormat::date_time);
    EXPECT_EQ(builtin_number_format(22), NumberFormat::date_time);
    EXPECT_EQ(builtin_number_format(27), NumberFormat::date);
    EXPECT_EQ(builtin_number_format(36), NumberFormat::date);
    EXPECT_EQ(builtin_number_format(37), NumberFormat::number);
    EXPECT_EQ(builtin_number_format(47), NumberFormat::date_time);
    EXPECT_EQ(builtin_number_format(49), NumberFormat::number);
    EXPECT_EQ(builtin_number_format(58), NumberFormat::date);
}

TEST(NumberFormatTest, CustomCodes) {
    EXPECT_EQ(classify_format_code("yyyy-mm-dd"), NumberFormat::date);
    EXPECT_EQ(classify_format_code("yyyy\\-mm\\-dd"), NumberFormat::date);
    EXPECT_EQ(classify_format_code("[$-409]d-mmm-yy;@"), NumberFormat::date);
    EXPECT_EQ(classify_format_code("dd/mm/yyyy hh:mm"), NumberFormat::date_time);
    EXPECT_EQ(classify_format_code("h:mm AM/PM"), NumberFormat::date_time);
    EXPECT_EQ(classify_format_code("[h]:mm:ss"), NumberFormat::date_time);
    EXPECT_EQ(classify_format_code("[Red][<=100]0.00;0.00"), NumberFormat::number);
    EXPECT_EQ(classify_format_code("General"), NumberFormat::number);
    EXPECT_EQ(classify_format_code("0.00E+00"), NumberFormat::number);
    EXPECT_EQ(classify_format_code("#,##0.00_);[Red](#,##0.00)"), NumberFormat::number);
    EXPECT_EQ(classify_format_code("\"days: \"0"), NumberFormat::number);
    EXPECT_EQ(classify_format_code("0\\d"), NumberFormat::number);
    EXPECT_EQ(classify_format_code("[$USD-409] #,##0.00"), NumberFormat::number);
    EXPECT_EQ(classify_format_code("#,##0 \"m\"*-"), NumberFormat::number);
}

}  // namespace
}  // namespace cs::xlsx

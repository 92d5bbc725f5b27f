#include <gtest/gtest.h>

#include "common/decimal/decimal.hpp"
#include "common/parse/number_parse.hpp"

namespace cs::parse {
namespace {

std::string parse_text(std::string_view text, const NumberOptions& options = {}) {
    ParsedNumber n;
    NumberError e;
    if (!parse_number(text, options, n, e)) {
        return "error: " + describe(text, e);
    }
    auto d = Decimal::from_units(n.units, n.scale);
    return d ? d->to_string() + (n.percent_sign ? "%" : "") : d.error().message;
}

TEST(ParseNumber, KeepsEveryDigitExactly) {
    // 0.1 + 0.2 style values that binary floating point cannot hold.
    EXPECT_EQ(parse_text("0.1"), "0.1");
    EXPECT_EQ(parse_text("1234567890123456789.123456789"), "1234567890123456789.123456789");
    EXPECT_EQ(parse_text("-0.000000000000000000000000000000000001"),
              "-0.000000000000000000000000000000000001");
    EXPECT_EQ(parse_text("12.50"), "12.50");
}

TEST(ParseNumber, AppliesExponentsWithoutLosingDigits) {
    EXPECT_EQ(parse_text("1.5E3"), "1500");
    EXPECT_EQ(parse_text("1.5e+3"), "1500");
    EXPECT_EQ(parse_text("15E-4"), "0.0015");
    EXPECT_EQ(parse_text("0E5"), "0");
    EXPECT_EQ(parse_text("1E38"), "error: '1E38' is not a number: more than 38 significant digits");
    EXPECT_EQ(parse_text("1E999"), "error: '1E999' is not a number: exponent out of range");
}

TEST(ParseNumber, ReportsThePercentSign) {
    EXPECT_EQ(parse_text("5%"), "5%");
    EXPECT_EQ(parse_text("(5 %)"), "-5%");
}

TEST(ParseNumber, PlainSyntaxRefusesDecorations) {
    const NumberOptions& plain = plain_number_syntax();
    EXPECT_EQ(parse_text("-1234.5", plain), "-1234.5");
    EXPECT_EQ(parse_text("1.5E-3", plain), "0.0015");
    EXPECT_EQ(parse_text("$5", plain), "error: '$5' is not a number: unexpected '$'");
    EXPECT_EQ(parse_text("5-", plain), "error: '5-' is not a number: unexpected '-'");
    EXPECT_EQ(parse_text("1 000", plain), "error: '1 000' is not a number: unexpected ' '");
}

TEST(ParseNumber, RejectsAmbiguousGrouping) {
    EXPECT_EQ(parse_text(",123"),
              "error: ',123' is not a number: thousands separator before the first digit");
    EXPECT_EQ(parse_text("1,,000"),
              "error: '1,,000' is not a number: a thousands separator must be followed by digits");
    EXPECT_EQ(parse_text("1,000 000"),
              "error: '1,000 000' is not a number: mixes different thousands separators");
    EXPECT_EQ(parse_text("1,000.5"), "1000.5");
    EXPECT_EQ(parse_text("1,00.5"),
              "error: '1,00.5' is not a number: digit groups after ',' need 3 digits (if ',' is "
              "the decimal point here, set decimal_comma)");
}

TEST(ParseNumber, NeedsThreeCapitalsForACurrencyCode) {
    EXPECT_EQ(parse_text("EUR 5"), "5");
    EXPECT_EQ(parse_text("5 CHF"), "5");
    EXPECT_EQ(parse_text("Eur 5"), "error: 'Eur 5' is not a number: unexpected 'E'");
}

TEST(FitScale, DropsOnlyTrailingZeros) {
    ParsedNumber n{100, 39, false};
    EXPECT_TRUE(fit_scale(n));
    EXPECT_EQ(n.units, 10);
    EXPECT_EQ(n.scale, 38);
    ParsedNumber m{101, 39, false};
    EXPECT_FALSE(fit_scale(m));
}

}  // namespace
}  // namespace cs::parse

#include "common/decimal/decimal.hpp"

#include <gtest/gtest.h>

namespace cs {
namespace {

Decimal D(std::string_view s) {
    auto d = Decimal::parse(s);
    EXPECT_TRUE(d) << s << ": " << (d ? "" : d.error().message);
    return d ? *d : Decimal();
}

TEST(DecimalTest, ParsesPlainAndScientificNotation) {
    EXPECT_EQ(D("12.50").to_string(), "12.50");
    EXPECT_EQ(D("-0.05").to_string(), "-0.05");
    EXPECT_EQ(D("+3").to_string(), "3");
    EXPECT_EQ(D(".5").to_string(), "0.5");
    EXPECT_EQ(D("1.5E3").to_string(), "1500");
    EXPECT_EQ(D("2e-2").to_string(), "0.02");
    EXPECT_EQ(D("000123.4").to_string(), "123.4");
    EXPECT_EQ(D("0.000").to_string(), "0.000");
}

TEST(DecimalTest, AppendsTheSameTextAsToString) {
    std::string out = "[";
    for (const char* text : {"12.50", "-0.05", "0", "0.000", "-12", "123456789012345678901234.5678",
                             "-12345678901234567890123456789.012345678"}) {
        Decimal d = D(text);
        std::string alone;
        d.append_to(alone);
        EXPECT_EQ(alone, d.to_string());
        d.append_to(out);
        out += ',';
    }
    EXPECT_EQ(out,
              "[12.50,-0.05,0,0.000,-12,123456789012345678901234.5678,"
              "-12345678901234567890123456789.012345678,");
}

TEST(DecimalTest, RejectsNonNumbersWithReason) {
    for (auto bad : {"", "-", "abc", "1,000", "$5", "1.2.3", "1e", "1e+", "12 ", "1e5000"}) {
        auto d = Decimal::parse(bad);
        EXPECT_FALSE(d) << bad;
        if (!d) {
            EXPECT_NE(d.error().message.find("is not a decimal"), std::string::npos);
        }
    }
}

TEST(DecimalTest, ThirtyEightDigitsIsTheLimit) {
    std::string max(38, '9');
    EXPECT_EQ(D(max).to_string(), max);
    EXPECT_FALSE(Decimal::parse(max + "9"));
    EXPECT_EQ(D("0." + std::string(37, '0') + "1").scale(), 38);
}

TEST(DecimalTest, ComparesByValueNotScale) {
    EXPECT_EQ(D("1.50"), D("1.5"));
    EXPECT_LT(D("-2"), D("-1.999"));
    EXPECT_GT(D("0.001"), D("0"));
    // Aligning scales would overflow here; the comparison must still be right.
    auto huge = D(std::string(38, '9'));
    EXPECT_GT(huge, D("0.5"));
    EXPECT_LT(huge.negated(), D("-0.5"));
    EXPECT_LT(D("0.5"), huge);
    EXPECT_GT(D("-0.5"), huge.negated());
}

TEST(DecimalTest, NormalizedStripsTrailingZeros) {
    EXPECT_EQ(D("12.500").normalized().to_string(), "12.5");
    EXPECT_EQ(D("-0.00").normalized().to_string(), "0");
    EXPECT_EQ(D("100").normalized().to_string(), "100");
}

TEST(DecimalTest, ArithmeticIsExact) {
    // 0.1 + 0.2 is exactly 0.3, which binary floating point cannot do.
    EXPECT_EQ(D("0.1").add(D("0.2")).value(), D("0.3"));
    EXPECT_EQ(D("19.99").multiply(D("3")).value().to_string(), "59.97");
    EXPECT_EQ(D("10").subtract(D("0.01")).value().to_string(), "9.99");
    EXPECT_EQ(D("144.00").divide(D("12"), 4).value().to_string(), "12.0000");
}

TEST(DecimalTest, DivisionRounding) {
    EXPECT_EQ(D("2").divide(D("3"), 4).value().to_string(), "0.6667");
    EXPECT_EQ(D("-2").divide(D("3"), 4).value().to_string(), "-0.6667");
    EXPECT_EQ(D("0.125").rescale(2, Rounding::half_even).value().to_string(), "0.12");
    EXPECT_EQ(D("0.135").rescale(2, Rounding::half_even).value().to_string(), "0.14");
    EXPECT_EQ(D("0.125").rescale(2, Rounding::half_up).value().to_string(), "0.13");
    EXPECT_EQ(D("-0.125").rescale(2, Rounding::half_up).value().to_string(), "-0.13");
    EXPECT_EQ(D("0.129").rescale(2, Rounding::down).value().to_string(), "0.12");
    EXPECT_FALSE(D("1").divide(D("0"), 2));
}

TEST(DecimalTest, OverflowIsAnErrorNotWraparound) {
    auto big = D(std::string(38, '9'));
    auto sum = big.add(D("1"));
    ASSERT_FALSE(sum);
    EXPECT_EQ(sum.error().code, ErrorCode::limit_exceeded);
    EXPECT_FALSE(big.multiply(D("10")));
}

}  // namespace
}  // namespace cs

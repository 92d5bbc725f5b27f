#include "common/value/value.hpp"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(DateTest, RoundTripsIsoAndKnowsTheCalendar) {
    auto d = Date::parse_iso("2026-11-22");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->to_iso(), "2026-11-22");
    EXPECT_EQ(Date::parse_iso("1970-01-01")->days, 0);
    EXPECT_EQ(Date::parse_iso("1969-12-31")->days, -1);
    EXPECT_TRUE(Date::parse_iso("2024-02-29"));
    EXPECT_FALSE(Date::parse_iso("2023-02-29"));
    EXPECT_FALSE(Date::parse_iso("2026-13-01"));
    EXPECT_FALSE(Date::parse_iso("2026-1-1"));
    EXPECT_FALSE(Date::parse_iso("2026-01-01x"));
}

TEST(TimestampTest, ParsesUtcAndOffsets) {
    auto t = Timestamp::parse_iso("2026-11-22T13:45:01.25Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->to_iso(), "2026-11-22T13:45:01.250000Z");
    auto offset = Timestamp::parse_iso("2026-11-22T08:45:01.25-05:00");
    ASSERT_TRUE(offset);
    EXPECT_EQ(*offset, *t);
    EXPECT_EQ(Timestamp::parse_iso("1970-01-01T00:00:00Z")->micros, 0);
    EXPECT_EQ(Timestamp::parse_iso("1969-12-31T23:59:59.999999Z")->micros, -1);
    EXPECT_EQ(Timestamp{-1}.to_iso(), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(Timestamp::parse_iso("2026-11-22T13:45:01Z")->to_iso(), "2026-11-22T13:45:01Z");
    EXPECT_FALSE(Timestamp::parse_iso("2026-11-22T25:00:00Z"));
    EXPECT_FALSE(Timestamp::parse_iso("2026-11-22T13:45:01"));  // no zone: ambiguous
}

TEST(ValueTest, NullIsDistinctFromEmptyString) {
    Value null;
    Value empty(std::string(""));
    EXPECT_TRUE(null.is_null());
    EXPECT_FALSE(empty.is_null());
    EXPECT_NE(null, empty);
    EXPECT_EQ(empty.type(), FieldType::string);
    EXPECT_FALSE(null.type().has_value());
}

TEST(ValueTest, TextForms) {
    EXPECT_EQ(Value(Decimal::parse("1.50").value()).to_text(), "1.50");
    EXPECT_EQ(Value(std::int64_t{-3}).to_text(), "-3");
    EXPECT_EQ(Value(true).to_text(), "true");
    EXPECT_EQ(Value(Date{0}).to_text(), "1970-01-01");
    EXPECT_EQ(Value().to_text(), "null");
}

TEST(FieldTypeTest, ParsesNamesAndRejectsUnknown) {
    EXPECT_EQ(parse_field_type("decimal").value(), FieldType::decimal);
    auto bad = parse_field_type("float");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("'float'"), std::string::npos);
}

}  // namespace
}  // namespace cs

// JSON from PostgreSQL keeps its numbers' text: what the API serves is what
// the database holds.
#include "relay/db/exact_json.hpp"

#include <string>

#include <gtest/gtest.h>

namespace cs::relay::db {
namespace {

std::string round_trip(const std::string& text) {
    auto parsed = parse_exact(text, "test");
    EXPECT_TRUE(parsed) << text;
    return parsed ? dump_exact(*parsed) : "";
}

TEST(ExactJsonTest, DecimalsComeBackDigitForDigit) {
    const std::string nines(38, '9');
    for (const std::string& number :
         {std::string("12.50"), std::string("0.10"), std::string("-12.50"),
          std::string("1234567890123456789.1234"), nines, "-" + nines,
          "0." + std::string(37, '0') + "1", std::string("100.000"),
          std::string("3.14159265358979323846264338327950288"),
          std::string("123456789012345678901234567890"), std::string("1E+300"), std::string("-0.0"),
          std::string("2.5e-7")}) {
        EXPECT_EQ(round_trip(R"({"price":)" + number + "}"), R"({"price":)" + number + "}");
        EXPECT_EQ(round_trip("[" + number + "," + number + "]"), "[" + number + "," + number + "]");
    }
}

TEST(ExactJsonTest, IntegersStayNumbersTheCodeCanRead) {
    auto doc = parse_exact(R"({"rows": 42, "big": 18446744073709551615, "neg": -7})", "test");
    ASSERT_TRUE(doc);
    EXPECT_EQ((*doc)["rows"].get<int>(), 42);
    EXPECT_EQ((*doc)["big"].get<std::uint64_t>(), 18446744073709551615ULL);
    EXPECT_EQ((*doc)["neg"].get<int>(), -7);
    auto price = parse_exact(R"({"price": 12.50})", "test");
    ASSERT_TRUE(price);
    const auto* text = exact_number_text((*price)["price"]);
    ASSERT_NE(text, nullptr);
    EXPECT_EQ(std::string(text->begin(), text->end()), "12.50");
    EXPECT_EQ(exact_number_text((*doc)["rows"]), nullptr);
}

TEST(ExactJsonTest, EverythingElseIsSerializedAsBefore) {
    const std::string text =
        R"({"a":[1,true,null,"x\"y\\z\n"],"b":{"c":"\u00e9\u0001","d":[]},"e":{}})";
    auto doc = parse_exact(text, "test");
    ASSERT_TRUE(doc);
    auto expected = nlohmann::json::parse(text).dump();
    EXPECT_EQ(dump_exact(*doc), expected);
    // With an exact number beside them, strings and keys are escaped alike.
    (*doc)["f"] = exact_number("1.10");
    auto plain = nlohmann::json::parse(text);
    plain["f"] = 0;
    auto with_zero = plain.dump();
    EXPECT_EQ(dump_exact(*doc), with_zero.replace(with_zero.find(R"("f":0)"), 5, R"("f":1.10)"));
    // Numbers that are strings stay strings.
    EXPECT_EQ(round_trip(R"({"price":"12.50"})"), R"({"price":"12.50"})");
}

TEST(ExactJsonTest, RefusesMalformedAndTooDeepDocumentsWithTheReason) {
    auto bad = parse_exact(R"({"a": 1,)", "reading the record");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("reading the record: malformed JSON at byte"),
              std::string::npos)
        << bad.error().message;
    auto huge = parse_exact(R"({"a": 1E+400})", "test");
    ASSERT_FALSE(huge);
    EXPECT_NE(huge.error().message.find("overflow"), std::string::npos) << huge.error().message;
    std::string deep(kMaxExactJsonDepth + 1, '[');
    deep += std::string(kMaxExactJsonDepth + 1, ']');
    auto too_deep = parse_exact(deep, "test");
    ASSERT_FALSE(too_deep);
    EXPECT_NE(too_deep.error().message.find("deeper than"), std::string::npos);
    std::string fine(kMaxExactJsonDepth, '[');
    fine += std::string(kMaxExactJsonDepth, ']');
    EXPECT_TRUE(parse_exact(fine, "test"));
}

}  // namespace
}  // namespace cs::relay::db

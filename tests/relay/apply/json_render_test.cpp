#include "relay/apply/json_render.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cs::relay::apply {
namespace {

std::string render(std::vector<wire::Field> schema, std::vector<Value> values) {
    JsonRenderer r(schema);
    std::string out;
    r.render(out, values);
    return out;
}

Decimal dec(const char* text) {
    return Decimal::parse(text).value();
}

TEST(JsonRenderTest, WritesEveryTypeAsDocumented) {
    auto json = render({{"s", FieldType::string},
                        {"d", FieldType::decimal},
                        {"i", FieldType::integer},
                        {"b", FieldType::boolean},
                        {"day", FieldType::date},
                        {"ts", FieldType::timestamp},
                        {"n", FieldType::string}},
                       {Value("3/4\" PVC \\ tee\n\t\x01"), Value(dec("-1234.5600")),
                        Value(std::int64_t{-9'223'372'036'854'775'807 - 1}), Value(true),
                        Value(Date{-1}), Value(Timestamp{1'500}), Value()});
    EXPECT_EQ(json, R"({"s":"3/4\" PVC \\ tee\n\t\u0001","d":-1234.5600,"i":-9223372036854775808,)"
                    R"("b":true,"day":"1969-12-31","ts":"1970-01-01T00:00:00.001500Z","n":null})");
    EXPECT_FALSE(nlohmann::json::parse(json, nullptr, false).is_discarded());
}

TEST(JsonRenderTest, DecimalsKeepTheirScaleAndLeadingZero) {
    for (const char* text :
         {"0.50", "0.0005", "-0.5", "12", "0", "-12.3400", "12345678901234567890123456789012345678",
          "-0.00000000000000000000000000000000000001"}) {
        EXPECT_EQ(render({{"d", FieldType::decimal}}, {Value(dec(text))}),
                  std::string("{\"d\":") + dec(text).to_string() + "}")
            << text;
    }
    EXPECT_EQ(render({{"d", FieldType::decimal}}, {Value(dec("0.50"))}), R"({"d":0.50})");
}

TEST(JsonRenderTest, DatesAndTimestampsMatchTheValueTextForm) {
    for (std::int32_t days : {-719'468, -1, 0, 11'016, 19'000, 2'932'896, 2'932'897, -800'000}) {
        Value v(Date{days});
        EXPECT_EQ(render({{"x", FieldType::date}}, {v}), "{\"x\":\"" + v.to_text() + "\"}") << days;
    }
    for (std::int64_t us : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1'700'000'000'123'456},
                            std::int64_t{-86'400'000'000}, std::int64_t{253'402'300'799'999'999},
                            std::int64_t{-62'167'219'200'000'000}}) {
        Value v(Timestamp{us});
        EXPECT_EQ(render({{"x", FieldType::timestamp}}, {v}), "{\"x\":\"" + v.to_text() + "\"}")
            << us;
    }
}

TEST(JsonRenderTest, EscapesFieldNames) {
    EXPECT_EQ(render({{"a\"b", FieldType::integer}, {"c", FieldType::boolean}},
                     {Value(std::int64_t{1}), Value(false)}),
              R"({"a\"b":1,"c":false})");
}

}  // namespace
}  // namespace cs::relay::apply

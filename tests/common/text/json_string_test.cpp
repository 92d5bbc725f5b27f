#include "common/text/json_string.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cs::text {
namespace {

std::string json_literal(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

TEST(JsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
    EXPECT_EQ(json_literal(""), R"("")");
    EXPECT_EQ(json_literal("plain ASCII 123"), R"("plain ASCII 123")");
    EXPECT_EQ(json_literal("say \"hi\"\\"), R"("say \"hi\"\\")");
    EXPECT_EQ(json_literal("a\nb\rc\td"), R"("a\nb\rc\td")");
    EXPECT_EQ(json_literal(std::string("\0\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f\u007f")");
    EXPECT_EQ(json_literal("/"), R"("/")");  // the solidus needs no escape
}

TEST(JsonStringTest, CopiesValidUtf8AndReplacesEachInvalidByte) {
    EXPECT_EQ(json_literal("Müller – 東京 😀"), "\"Müller – 東京 😀\"");
    // A Windows-1252 "é" (0xE9) alone, a lone continuation byte, an overlong
    // '/', a UTF-16 surrogate and a sequence cut short at the end.
    EXPECT_EQ(json_literal("caf\xe9!"), "\"caf\xef\xbf\xbd!\"");
    EXPECT_EQ(json_literal("\x80"), "\"\xef\xbf\xbd\"");
    EXPECT_EQ(json_literal("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
    EXPECT_EQ(json_literal("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    EXPECT_EQ(json_literal("ab\xe6\x9d"), "\"ab\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST(JsonStringTest, AppendsAndAlwaysReadsBackAsTheSameTextWhenValid) {
    std::string out = "{\"k\":";
    append_json_string(out, "v\"1");
    out += '}';
    EXPECT_EQ(out, R"({"k":"v\"1"})");
    std::string every_byte;
    for (int c = 0; c < 0x80; ++c) {
        every_byte.push_back(static_cast<char>(c));
    }
    every_byte += "ü東😀";
    EXPECT_EQ(nlohmann::json::parse(json_literal(every_byte)).get<std::string>(), every_byte);
    // Whatever bytes come in, the result is JSON a strict parser accepts.
    std::string noise;
    for (int c = 0; c < 256; ++c) {
        noise.push_back(static_cast<char>(c));
    }
    auto parsed = nlohmann::json::parse(json_literal(noise), nullptr, false);
    ASSERT_TRUE(parsed.is_string());
    EXPECT_EQ(parsed.get<std::string>().substr(0, 0x7f), noise.substr(0, 0x7f));
}

}  // namespace
}  // namespace cs::text

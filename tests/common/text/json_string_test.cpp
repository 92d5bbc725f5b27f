#include "common/text/json_string.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cs::text {
namespace {

std::string quoted(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

TEST(JsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
    EXPECT_EQ(quoted(""), R"("")");
    EXPECT_EQ(quoted("plain ASCII 123"), R"("plain ASCII 123")");
    EXPECT_EQ(quoted("say \"hi\"\\"), R"("say \"hi\"\\")");
    EXPECT_EQ(quoted("a\nb\rc\td"), R"("a\nb\rc\td")");
    EXPECT_EQ(quoted(std::string("\0\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f\u007f")");
    EXPECT_EQ(quoted("/"), R"("/")");  // the solidus needs no escape
}

TEST(JsonStringTest, CopiesValidUtf8AndReplacesEachInvalidByte) {
    EXPECT_EQ(quoted("Müller – 東京 😀"), "\"Müller – 東京 😀\"");
    // A Windows-1252 "é" (0xE9) alone, a lone continuation byte, an overlong
    // '/', a UTF-16 surrogate and a sequence cut short at the end.
    EXPECT_EQ(quoted("caf\xe9!"), "\"caf\xef\xbf\xbd!\"");
    EXPECT_EQ(quoted("\x80"), "\"\xef\xbf\xbd\"");
    EXPECT_EQ(quoted("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
    EXPECT_EQ(quoted("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    EXPECT_EQ(quoted("ab\xe6\x9d"), "\"ab\xef\xbf\xbd\xef\xbf\xbd\"");
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
    EXPECT_EQ(nlohmann::json::parse(quoted(every_byte)).get<std::string>(), every_byte);
    // Whatever bytes come in, the result is JSON a strict parser accepts.
    std::string noise;
    for (int c = 0; c < 256; ++c) {
        noise.push_back(static_cast<char>(c));
    }
    EXPECT_NO_THROW((void)nlohmann::json::parse(quoted(noise)));
}

}  // namespace
}  // namespace cs::text

#include <string>

#include <gtest/gtest.h>

#include "common/text/hex.hpp"
#include "common/text/percent.hpp"

namespace cs::text {
namespace {

// The decoded text, or the error's message.
std::string decoded(std::string_view text, bool plus_is_space = false) {
    auto out = percent_decode(text, plus_is_space);
    return out ? *out : "error: " + out.error().message;
}

TEST(HexTest, WritesLowercaseAndReadsEitherCase) {
    EXPECT_EQ(to_hex(std::string_view("\x00\x0f\xab\xff", 4)), "000fabff");
    const std::uint8_t bytes[] = {0xde, 0xad, 0xbe, 0xef};
    EXPECT_EQ(to_hex(bytes, sizeof bytes), "deadbeef");
    EXPECT_EQ(to_hex(""), "");
    std::string out = "x";
    append_hex(out, 0x7f);
    EXPECT_EQ(out, "x7f");
    EXPECT_EQ(decode_hex("DEADbeef"), std::string("\xde\xad\xbe\xef"));
    EXPECT_EQ(decode_hex(""), std::string());
    static_assert(hex_value('0') == 0 && hex_value('9') == 9 && hex_value('a') == 10 &&
                  hex_value('F') == 15 && hex_value('g') == -1 && hex_value('/') == -1);
}

TEST(HexTest, RefusesOddLengthsAndNonDigits) {
    EXPECT_FALSE(decode_hex("abc"));
    EXPECT_FALSE(decode_hex("0g"));
    EXPECT_FALSE(decode_hex("  "));
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all.push_back(static_cast<char>(i));
    }
    EXPECT_EQ(decode_hex(to_hex(all)), all);
}

TEST(PercentTest, EncodesAllButTheUnreservedCharacters) {
    EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
    EXPECT_EQ(percent_encode("a b&c=d/é+%"), "a%20b%26c%3Dd%2F%C3%A9%2B%25");
    EXPECT_EQ(percent_encode(std::string_view("\0\xff", 2)), "%00%FF");
}

TEST(PercentTest, DecodesEscapesAndOptionallyPlusAsSpace) {
    EXPECT_EQ(decoded("a%20b%2fc%2F"), "a b/c/");
    EXPECT_EQ(decoded("a+b"), "a+b");
    EXPECT_EQ(decoded("a+b%2B", true), "a b+");
    EXPECT_EQ(decoded(""), "");
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all.push_back(static_cast<char>(i));
    }
    EXPECT_EQ(decoded(percent_encode(all)), all);
}

TEST(PercentTest, NamesThePositionOfAMalformedEscape) {
    for (auto [text, position] : {std::pair{"%", 0}, {"ab%4", 2}, {"%zz", 0}, {"ok%20%g1", 5}}) {
        auto decoded = percent_decode(text);
        ASSERT_FALSE(decoded) << text;
        EXPECT_EQ(decoded.error().message,
                  "malformed percent escape at position " + std::to_string(position))
            << text;
    }
}

}  // namespace
}  // namespace cs::text

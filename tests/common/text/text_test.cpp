#include <string>

#include <gtest/gtest.h>

#include "common/text/encoding.hpp"
#include "common/text/field_decoder.hpp"
#include "common/text/utf16.hpp"
#include "common/text/utf8.hpp"
#include "common/text/windows_1252.hpp"

namespace cs::text {
namespace {

std::string utf8(char32_t cp) {
    std::string out;
    append_utf8(cp, out);
    return out;
}

TEST(Windows1252Test, MapsEveryByte) {
    // The 0x80-0x9F block as Windows (and the WHATWG Encoding Standard) defines it;
    // 0 marks the five undefined bytes, which map to the C1 control of the same value.
    constexpr char32_t kBlock[32] = {
        0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
    for (int b = 0; b < 256; ++b) {
        const auto byte = static_cast<unsigned char>(b);
        char32_t expected = byte;
        if (b >= 0x80 && b <= 0x9F && kBlock[b - 0x80] != 0) {
            expected = kBlock[b - 0x80];
        }
        EXPECT_EQ(windows_1252_code_point(byte), expected) << "byte " << b;
        std::string out;
        append_windows_1252_as_utf8(std::string(1, static_cast<char>(byte)), out);
        EXPECT_EQ(out, utf8(expected)) << "byte " << b;
        EXPECT_TRUE(is_valid_utf8(out)) << "byte " << b;
    }
}

TEST(Windows1252Test, DecodesTypicalVendorText) {
    std::string out;
    append_windows_1252_as_utf8(
        "\x93"
        "3/4\x94 PVC \x80"
        "12 caf\xE9",
        out);
    EXPECT_EQ(out, "\u201c3/4\u201d PVC \u20ac12 caf\u00e9");
}

TEST(Utf8Test, ValidatesStrictly) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain"));
    EXPECT_TRUE(is_valid_utf8("\u00e9\u20ac\U0001F600"));
    EXPECT_FALSE(is_valid_utf8("\xC0\x80"));          // overlong NUL
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong slash
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("caf\xE9"));           // Windows-1252
    EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
    EXPECT_EQ(first_invalid_utf8("ok\xC3\xA9x\xE9y"), 5u);
    EXPECT_EQ(first_invalid_utf8("\xF0\x9F\x98\x80"), std::string_view::npos);
    EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);
    EXPECT_TRUE(is_ascii("0123456789abcdef,xyz"));
    EXPECT_FALSE(is_ascii("0123456789abcdef,xy\xC3\xA9"));
}

TEST(Utf8Test, RepairKeepsUtf8AndDecodesTheRest) {
    std::string out;
    append_utf8_or_1252("Jos\xC3\xA9 / Jos\xE9 \x80", out);
    EXPECT_EQ(out, "Jos\u00e9 / Jos\u00e9 \u20ac");
    EXPECT_TRUE(is_valid_utf8(out));
}

TEST(BomTest, DetectsEveryMark) {
    EXPECT_EQ(detect_bom("\xEF\xBB\xBF"
                         "a"),
              Bom::utf8);
    EXPECT_EQ(detect_bom("\xFF\xFE"
                         "a\0"),
              Bom::utf16_le);
    EXPECT_EQ(detect_bom("\xFE\xFF"), Bom::utf16_be);
    EXPECT_EQ(detect_bom(std::string_view("\xFF\xFE\0\0", 4)), Bom::utf32_le);
    EXPECT_EQ(detect_bom(std::string_view("\0\0\xFE\xFF", 4)), Bom::utf32_be);
    EXPECT_EQ(detect_bom("\xEF\xBB"), Bom::none);
    EXPECT_EQ(detect_bom("sku,price"), Bom::none);
    EXPECT_EQ(bom_size(Bom::utf8), 3u);
    EXPECT_EQ(bom_size(Bom::utf16_le), 2u);
}

TEST(Utf16Test, DecodesAcrossEverySplit) {
    const std::string le("A\0\xE9\0\xAC\x20=\xD8\x00\xDE\n\0", 12);  // A é € 😀 \n
    const std::string expected = "A\u00e9\u20ac\U0001F600\n";
    for (std::size_t split = 0; split <= le.size(); ++split) {
        Utf16Decoder decoder(false);
        std::string out;
        decoder.decode(std::string_view(le).substr(0, split), out);
        decoder.decode(std::string_view(le).substr(split), out);
        decoder.finish(out);
        EXPECT_EQ(out, expected) << "split at " << split;
    }
    Utf16Decoder be(true);
    std::string out;
    be.decode(std::string_view("\0A\x20\xAC", 4), out);
    be.finish(out);
    EXPECT_EQ(out, "A\u20ac");
}

TEST(Utf16Test, BrokenInputBecomesReplacementCharacters) {
    Utf16Decoder decoder(false);
    std::string out;
    decoder.decode(std::string_view("\x00\xDC"
                                    "a\0\x3D\xD8"
                                    "b\0\x7F",
                                    9),
                   out);
    decoder.finish(out);
    // Lone low surrogate, 'a', high surrogate without its pair before 'b', dangling byte.
    EXPECT_EQ(out, "\uFFFDa\uFFFDb\uFFFD");
}

TEST(FieldDecoderTest, AutoKeepsUtf8AndDecodesWindows1252PerField) {
    FieldDecoder decoder(Encoding::auto_detect);
    std::string scratch;
    EXPECT_EQ(decoder.decode("Jos\xC3\xA9", scratch).value(), "Jos\u00e9");
    EXPECT_EQ(decoder.decode("Jos\xE9", scratch).value(), "Jos\u00e9");
    EXPECT_EQ(decoder.decode("plain", scratch).value(), "plain");
}

TEST(FieldDecoderTest, StrictUtf8NamesTheBadByte) {
    FieldDecoder decoder(Encoding::utf8);
    std::string scratch;
    auto bad = decoder.decode("ab\xE9", scratch);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message,
              "invalid UTF-8 at byte 3 (byte 0xE9); the encoding is set to utf-8");
}

TEST(FieldDecoderTest, Windows1252DecodesEvenUtf8LookingBytes) {
    FieldDecoder decoder(Encoding::windows_1252);
    std::string scratch;
    EXPECT_EQ(decoder.decode("\xC3\xA9", scratch).value(), "\u00c3\u00a9");
}

TEST(EncodingTest, ParsesNames) {
    EXPECT_EQ(parse_encoding("auto").value(), Encoding::auto_detect);
    EXPECT_EQ(parse_encoding("UTF-8").value(), Encoding::utf8);
    EXPECT_EQ(parse_encoding("cp1252").value(), Encoding::windows_1252);
    EXPECT_EQ(parse_encoding("ISO-8859-1").value(), Encoding::windows_1252);
    auto bad = parse_encoding("utf-16");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("unknown encoding 'utf-16'"), std::string::npos);
    EXPECT_EQ(to_string(Encoding::windows_1252), "windows-1252");
}

}  // namespace
}  // namespace cs::text

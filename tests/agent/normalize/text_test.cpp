#include <gtest/gtest.h>

#include "agent/normalize/text_clean.hpp"
#include "agent/normalize/transform.hpp"
#include "agent/normalize/unicode.hpp"

namespace cs::agent::normalize {
namespace {

TEST(CleanText, ReturnsAViewOfTheInputWhenNothingChanges) {
    std::string scratch;
    std::string_view input = "  ACME Widget, 3/4 in  ";
    std::string_view out = clean_text(input, StringOptions{}, scratch);
    EXPECT_EQ(out, "ACME Widget, 3/4 in");
    EXPECT_EQ(out.data(), input.data() + 2);  // no copy
    EXPECT_TRUE(scratch.empty());
}

TEST(CleanText, CopiesOnlyWhenItMustAndKeepsMultiByteCharacters) {
    std::string scratch;
    std::string_view out = clean_text("\xC2\xA0M\xC3\xBCnchen\r\n", StringOptions{}, scratch);
    EXPECT_EQ(out, "M\xC3\xBCnchen");
}

TEST(CleanText, LeavesStrayBytesAlone) {
    // Readers repair encodings; a stray byte must not derail or drop its neighbours.
    std::string scratch;
    std::string input =
        "a\xFF"
        "b\xC3";
    EXPECT_EQ(clean_text(input, StringOptions{}, scratch), input);
}

TEST(Unicode, MapsCaseInPlaceForLatinGreekAndCyrillic) {
    std::string s =
        "\xC3\xA9t\xC3\xA9 \xC5\x82\xC3\xB3"
        "d\xC5\xBA \xCE\xB1\xCF\x82 \xD0\xB6";
    upper_into(s, s.data());
    EXPECT_EQ(s,
              "\xC3\x89T\xC3\x89 \xC5\x81\xC3\x93"
              "D\xC5\xB9 \xCE\x91\xCE\xA3 \xD0\x96");
    lower_into(s, s.data());
    EXPECT_EQ(s,
              "\xC3\xA9t\xC3\xA9 \xC5\x82\xC3\xB3"
              "d\xC5\xBA \xCE\xB1\xCF\x83 \xD0\xB6");
}

TEST(Unicode, LeavesCharactersWithoutASameLengthMappingUnchanged) {
    // Turkish dotless i and dotted I change length when case-mapped; ß has no
    // single-character upper case. They stay as they are.
    std::string s = "\xC4\xB1\xC4\xB0\xC3\x9F";
    std::string original = s;
    upper_into(s, s.data());
    EXPECT_EQ(s, original);
    lower_into(s, s.data());
    EXPECT_EQ(s, original);
}

TEST(Unicode, CountsCharactersNotBytes) {
    EXPECT_EQ(count_code_points("\xE6\x9D\xB1\xE4\xBA\xAC\xF0\x9F\x91\x8D"), 3u);
    EXPECT_EQ(prefix_bytes("\xE6\x9D\xB1\xE4\xBA\xAC\xF0\x9F\x91\x8D", 2), 6u);
    EXPECT_EQ(prefix_bytes("ab", 5), 2u);
}

TEST(Unicode, TrimsOddSpacesAtBothEnds) {
    EXPECT_EQ(trim_spaces("\xE3\x80\x80 x \xE2\x80\xAF\xC2\xA0"), "x");
    EXPECT_EQ(trim_spaces("\xC2\xA0"), "");
}

TEST(Transform, StripLeadingZerosKeepsTheLastZeroAndNumbers) {
    Transform t{TransformKind::strip_leading_zeros, 0, {}, {}};
    std::string out;
    EXPECT_EQ(apply_transform(t, "000", out), "0");
    EXPECT_EQ(apply_transform(t, "00A1", out), "A1");
    EXPECT_EQ(apply_transform(t, "0,5", out), "0,5");
    EXPECT_EQ(apply_transform(t, "", out), "");
}

TEST(Transform, ReplaceHandlesEveryOccurrenceAndOverlaps) {
    Transform t{TransformKind::replace, 0, "aa", "b"};
    std::string out;
    EXPECT_EQ(apply_transform(t, "aaaaa", out), "bba");
    EXPECT_EQ(apply_transform(t, "xyz", out), "xyz");
}

TEST(Transform, PadsWithMultiByteCharacters) {
    Transform t{TransformKind::pad_left, 4, "\xE2\x80\xA2", {}};
    std::string out;
    EXPECT_EQ(apply_transform(t, "\xC3\xA9", out), "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xC3\xA9");
}

}  // namespace
}  // namespace cs::agent::normalize

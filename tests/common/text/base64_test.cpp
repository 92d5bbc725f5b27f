#include "common/text/base64.hpp"

#include <string>

#include <gtest/gtest.h>

namespace cs::text {
namespace {

TEST(Base64Test, EncodesTheRfc4648Vectors) {
    const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base64_encode(plain), encoded);
        EXPECT_EQ(base64_decode(encoded), plain);
    }
    std::string bytes;
    for (int i = 0; i < 256; ++i) {
        bytes.push_back(static_cast<char>(i));
    }
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
}

TEST(Base64Test, RefusesWhatIsNotCanonical) {
    for (const char* bad : {"Zg", "Zg=", "Z===", "Zm9v!A==", "Zh==", "Zm9=Yg==", "Zm8 "}) {
        EXPECT_FALSE(base64_decode(bad)) << bad;
    }
}

TEST(Base64UrlTest, EncodesWithoutPaddingInTheUrlAlphabet) {
    const std::pair<std::string, std::string> vectors[] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},           {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"\xfb\xff\xfe", "-__-"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base64url_encode(plain), encoded);
        EXPECT_EQ(base64url_decode(encoded), plain) << encoded;
    }
    std::string bytes;
    for (int i = 0; i < 256; ++i) {
        bytes.push_back(static_cast<char>(i));
        ASSERT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << i;
    }
    EXPECT_EQ(base64url_encode(bytes).find_first_of("+/="), std::string::npos);
}

TEST(Base64UrlTest, RefusesPaddingTheStandardAlphabetAndNonCanonicalEndings) {
    // "Zh" carries a set bit past the one byte it encodes; "Z" is six bits only.
    for (const char* bad : {"Zg==", "Zm8=", "+w", "/w", "Zh", "Z", "Zm9vY", "Zm9v Yg"}) {
        EXPECT_FALSE(base64url_decode(bad)) << bad;
    }
    EXPECT_TRUE(is_base64url_char('-'));
    EXPECT_TRUE(is_base64url_char('_'));
    EXPECT_TRUE(is_base64url_char('z'));
    EXPECT_FALSE(is_base64url_char('+'));
    EXPECT_FALSE(is_base64url_char('='));
    EXPECT_FALSE(is_base64url_char('\xc3'));
}

}  // namespace
}  // namespace cs::text

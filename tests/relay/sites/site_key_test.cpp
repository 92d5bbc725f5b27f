#include "relay/sites/site_key.hpp"

#include <set>

#include <gtest/gtest.h>

namespace cs::relay::sites {
namespace {

TEST(SiteKeyTest, IsThePrefixAnd43Base64UrlCharactersOf32RandomBytes) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        auto key = generate_site_key();
        ASSERT_TRUE(key) << key.error().message;
        EXPECT_EQ(key->key.size(), 51u);
        EXPECT_EQ(key->key.substr(0, 8), "cs_site_");
        EXPECT_TRUE(is_well_formed_site_key(key->key)) << key->key;
        EXPECT_EQ(key->key.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 8),
                  std::string::npos);
        EXPECT_EQ(key->hash, hash_site_key(key->key));
        EXPECT_EQ(key->hash.size(), 32u);
        seen.insert(key->key);
    }
    EXPECT_EQ(seen.size(), 200u);
}

TEST(SiteKeyTest, HashIsSha256OfTheKeyText) {
    // SHA-256("abc"), FIPS 180-2 test vector.
    auto h = hash_site_key("abc");
    const unsigned char expected[] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                      0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
                                      0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    EXPECT_EQ(h, std::string(reinterpret_cast<const char*>(expected), sizeof(expected)));
}

TEST(SiteKeyTest, DisplayPrefixShowsSixRandomCharactersOnly) {
    auto key = generate_site_key().value();
    auto shown = display_prefix(key.key);
    EXPECT_EQ(shown, key.key.substr(0, 14) + "...");
    EXPECT_EQ(key.display, shown);
    EXPECT_EQ(display_prefix("cs_site_short"), "(malformed key)");
}

TEST(SiteKeyTest, ParsesBearerHeaders) {
    auto key = generate_site_key().value().key;
    EXPECT_EQ(bearer_token("Bearer " + key).value(), key);
    EXPECT_EQ(bearer_token("Bearer  " + key + " ").value(), key);
    EXPECT_FALSE(bearer_token(""));
    EXPECT_EQ(bearer_token("").error().code, ErrorCode::unauthorized);
    EXPECT_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
    EXPECT_FALSE(bearer_token("Bearer cs_site_tooshort"));
    EXPECT_FALSE(bearer_token("Bearer " + key.substr(0, 50) + "!"));
}

}  // namespace
}  // namespace cs::relay::sites

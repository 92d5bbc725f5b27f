#include "agent/secrets/secret_resolver.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "common/log/log.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

SecretRef ref(SecretRef::Kind kind, std::string name) {
    SecretRef r;
    r.kind = kind;
    r.name = std::move(name);
    return r;
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

TEST(SecretResolverTest, ReadsAnEnvironmentVariableAndRegistersItForRedaction) {
    ::setenv("CS_TEST_SITE_KEY", "cs_site_from_env_value\n", 1);
    auto value = resolve_secret(ref(SecretRef::Kind::env, "CS_TEST_SITE_KEY"), "relay.site_key");
    ::unsetenv("CS_TEST_SITE_KEY");
    ASSERT_TRUE(value) << value.error().message;
    EXPECT_EQ(*value, "cs_site_from_env_value");
    EXPECT_EQ(log::redact("key=cs_site_from_env_value"), "key=***");
}

TEST(SecretResolverTest, MissingOrEmptyVariableNamesTheVariableAndTheSetting) {
    ::unsetenv("CS_TEST_NOT_SET");
    auto missing = resolve_secret(ref(SecretRef::Kind::env, "CS_TEST_NOT_SET"), "relay.site_key");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message,
              "relay.site_key: environment variable CS_TEST_NOT_SET is not set");
    ::setenv("CS_TEST_EMPTY", "  \n", 1);
    auto empty = resolve_secret(ref(SecretRef::Kind::env, "CS_TEST_EMPTY"), "relay.site_key");
    ::unsetenv("CS_TEST_EMPTY");
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.error().message.find("is empty"), std::string::npos);
}

TEST(SecretResolverTest, ReadsAFileWithoutItsLineEnd) {
    testing::TempDir dir;
    write(dir / "site.key", "cs_site_from_file_value\r\n");
    std::filesystem::permissions(
        dir / "site.key", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    auto value =
        resolve_secret(ref(SecretRef::Kind::file, (dir / "site.key").string()), "relay.site_key");
    ASSERT_TRUE(value) << value.error().message;
    EXPECT_EQ(*value, "cs_site_from_file_value");
    EXPECT_EQ(log::redact("cs_site_from_file_value"), "***");
}

TEST(SecretResolverTest, FileProblemsNameTheFile) {
    testing::TempDir dir;
    auto missing =
        resolve_secret(ref(SecretRef::Kind::file, (dir / "nope.key").string()), "relay.site_key");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("nope.key"), std::string::npos);
    write(dir / "empty.key", "\n");
    auto empty = resolve_secret(ref(SecretRef::Kind::file, (dir / "empty.key").string()), "x");
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.error().message.find("empty.key is empty"), std::string::npos);
    write(dir / "big.key", std::string(100'000, 'k'));
    auto big = resolve_secret(ref(SecretRef::Kind::file, (dir / "big.key").string()), "x");
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, ErrorCode::limit_exceeded);
    EXPECT_NE(big.error().message.find("big.key"), std::string::npos);
}

TEST(SecretResolverTest, SecretStoreReferencesExplainTheAlternatives) {
    auto r = resolve_secret(ref(SecretRef::Kind::store, "site_key"), "relay.site_key");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("relay.site_key"), std::string::npos);
    EXPECT_NE(r.error().message.find("'site_key'"), std::string::npos);
    EXPECT_NE(r.error().message.find("{\"env\": \"VARIABLE\"}"), std::string::npos);
    EXPECT_NE(r.error().message.find("{\"file\": \"PATH\"}"), std::string::npos);
}

}  // namespace
}  // namespace cs::agent

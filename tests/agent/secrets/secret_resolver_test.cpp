#include "agent/secrets/secret_resolver.hpp"

#include <cstdlib>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "agent/secrets/secret_store.hpp"
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

TEST(SecretResolverTest, ReadsTheSecretStoreAndRegistersTheValueForRedaction) {
    testing::TempDir dir;
    SecretRef r = ref(SecretRef::Kind::store, "site_key");
    r.store = {dir / "secrets", dir / "secrets" / "store.key"};
    std::string value = "cs_site_store_" + std::to_string(std::random_device{}());
    {
        auto store = secrets::SecretStore::open(r.store, true);
        ASSERT_TRUE(store) << store.error().message;
        ASSERT_TRUE(store->set("site_key", value));
    }
    auto resolved = resolve_secret(r, "relay.site_key");
    ASSERT_TRUE(resolved) << resolved.error().message;
    EXPECT_EQ(*resolved, value);
    EXPECT_EQ(log::redact("key " + value), "key ***");
}

TEST(SecretResolverTest, AMissingStoreOrNameSaysHowToSetIt) {
    testing::TempDir dir;
    SecretRef r = ref(SecretRef::Kind::store, "site_key");
    r.store = {dir / "secrets", dir / "secrets" / "store.key"};
    auto no_store = resolve_secret(r, "relay.site_key");
    ASSERT_FALSE(no_store);
    EXPECT_NE(no_store.error().message.find("relay.site_key"), std::string::npos);
    EXPECT_NE(no_store.error().message.find("contractsync-agent secret set"), std::string::npos);
    {
        auto store = secrets::SecretStore::open(r.store, true);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->set("other", "x" + std::to_string(std::random_device{}())));
    }
    auto no_name = resolve_secret(r, "relay.site_key");
    ASSERT_FALSE(no_name);
    EXPECT_EQ(no_name.error().code, ErrorCode::not_found);
    EXPECT_NE(no_name.error().message.find("'site_key'"), std::string::npos);
    EXPECT_NE(no_name.error().message.find("secret set site_key"), std::string::npos);
}

}  // namespace
}  // namespace cs::agent

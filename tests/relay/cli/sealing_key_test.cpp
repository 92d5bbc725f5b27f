// The relay's sealing key at startup: created owner-only when missing, the
// same key on every later start, refused when others can read it.
#include "relay/cli/sealing_key.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/relay/support/pg_test_database.hpp"

namespace cs::relay::cli {
namespace {

namespace fs = std::filesystem;

class SealingKeyStartupTest : public ::testing::Test {
protected:
    void SetUp() override {
        CS_REQUIRE_PG();
        db_ = std::make_unique<relay::testing::PgTestDatabase>();
        conn_ = db_->connect();
    }
    std::unique_ptr<relay::testing::PgTestDatabase> db_;
    std::unique_ptr<db::Connection> conn_;
    relay::testing::TempDir dir_;
};

TEST_F(SealingKeyStartupTest, CreatesTheKeyOnceAndReusesIt) {
    RelayConfig config;
    config.secrets_key_file = dir_.path() / "secrets.key";
    auto first = open_sealing_key(config, *conn_);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_NE(*first, nullptr);
    struct stat st {};
    ASSERT_EQ(::stat(config.secrets_key_file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    auto second = open_sealing_key(config, *conn_);
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ((*second)->key_id(), (*first)->key_id()) << "a restart keeps the key";
}

TEST_F(SealingKeyStartupTest, RefusesAKeyOthersCanReadAndWorksWithoutOne) {
    RelayConfig config;
    config.secrets_key_file = dir_.path() / "secrets.key";
    ASSERT_TRUE(open_sealing_key(config, *conn_));
    fs::permissions(config.secrets_key_file, fs::perms::others_read, fs::perm_options::add);
    auto refused = open_sealing_key(config, *conn_);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("secrets.key_file"), std::string::npos);
    EXPECT_NE(refused.error().message.find("chmod 600"), std::string::npos);

    RelayConfig none;
    auto absent = open_sealing_key(none, *conn_);
    ASSERT_TRUE(absent) << absent.error().message;
    EXPECT_EQ(*absent, nullptr);
}

}  // namespace
}  // namespace cs::relay::cli

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/crypto/hmac.hpp"
#include "common/crypto/key_file.hpp"
#include "common/crypto/sealing_key.hpp"

namespace cs::crypto {
namespace {

namespace fs = std::filesystem;

TEST(HmacTest, MatchesRfc4231TestCase2) {
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(hmac_sha256("Jefe", "what do ya want for nothing?").size(), 32u);
}

TEST(HmacTest, ConstantTimeComparisonComparesContentAndLength) {
    EXPECT_TRUE(equal_in_constant_time("abc", "abc"));
    EXPECT_FALSE(equal_in_constant_time("abc", "abd"));
    EXPECT_FALSE(equal_in_constant_time("abc", "abcd"));
}

TEST(SealingKeyTest, SealedValuesOpenOnlyWithTheirKeyAndLabel) {
    auto key = SealingKey::generate();
    auto other = SealingKey::generate();
    ASSERT_TRUE(key && other);
    EXPECT_NE(key->key_id(), other->key_id());
    EXPECT_EQ(key->key_id().size(), 16u);

    auto sealed = key->seal("webhook:t1", "whsec_value");
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->find("whsec_value"), std::string::npos);
    EXPECT_EQ(sealed->size(), 12u + 11u + 16u);
    auto again = key->seal("webhook:t1", "whsec_value");
    ASSERT_TRUE(again);
    EXPECT_NE(*sealed, *again) << "every seal draws a fresh nonce";

    auto opened = key->unseal("webhook:t1", *sealed, "k");
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(*opened, "whsec_value");

    auto wrong_label = key->unseal("webhook:t2", *sealed, "the test key");
    ASSERT_FALSE(wrong_label);
    EXPECT_NE(wrong_label.error().message.find("the test key"), std::string::npos);
    EXPECT_FALSE(other->unseal("webhook:t1", *sealed, "k"));
    std::string altered = *sealed;
    altered[14] = static_cast<char>(altered[14] ^ 1);
    EXPECT_FALSE(key->unseal("webhook:t1", altered, "k"));
    EXPECT_FALSE(key->unseal("webhook:t1", sealed->substr(0, 20), "k"));
}

TEST(SealingKeyTest, TextRoundTripsAndDamagedTextIsRefused) {
    auto key = SealingKey::generate();
    ASSERT_TRUE(key);
    auto text = key->text();
    EXPECT_TRUE(text.starts_with("contractsync-secret-key/1 "));
    auto parsed = SealingKey::parse(text, "here");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->key_id(), key->key_id());
    auto sealed = key->seal("n", "v");
    ASSERT_TRUE(sealed);
    EXPECT_EQ(*parsed->unseal("n", *sealed, "k"), "v");

    for (std::string bad : {std::string(""), std::string("contractsync-secret-key/1 abc"),
                            text.substr(1), "contractsync-secret-key/1 " + std::string(44, '!')}) {
        auto r = SealingKey::parse(bad, "the file x");
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().message.find("the file x"), std::string::npos);
    }
}

class KeyFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("cs-key-file-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(KeyFileTest, CreatesOwnerOnlyOnceAndReadsBack) {
    auto path = dir_ / "relay.key";
    auto created = create_key_file(path);
    ASSERT_TRUE(created) << created.error().message;
    EXPECT_TRUE(*created);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    auto first = read_key_file(path);
    ASSERT_TRUE(first) << first.error().message;

    auto second = create_key_file(path);
    ASSERT_TRUE(second);
    EXPECT_FALSE(*second) << "an existing key is never replaced";
    auto reread = read_key_file(path);
    ASSERT_TRUE(reread);
    EXPECT_EQ(reread->key_id(), first->key_id());
}

TEST_F(KeyFileTest, RefusesFilesOthersCanReadAndMissingOrDamagedFiles) {
    auto path = dir_ / "relay.key";
    ASSERT_TRUE(create_key_file(path));
    fs::permissions(path, fs::perms::group_read, fs::perm_options::add);
    auto shared = read_key_file(path);
    ASSERT_FALSE(shared);
    EXPECT_NE(shared.error().message.find("chmod 600"), std::string::npos);

    auto missing = read_key_file(dir_ / "absent.key");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);

    auto damaged = dir_ / "damaged.key";
    std::ofstream(damaged) << "not a key\n";
    fs::permissions(damaged, fs::perms::owner_read | fs::perms::owner_write);
    auto r = read_key_file(damaged);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("not a ContractSync key file"), std::string::npos);
}

}  // namespace
}  // namespace cs::crypto

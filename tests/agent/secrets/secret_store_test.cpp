#include "agent/secrets/secret_store.hpp"

#include <fstream>
#include <iterator>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "tests/agent/agent_test_support.hpp"

namespace cs::agent::secrets {
namespace {

namespace fs = std::filesystem;

// Test secrets are made at run time: nothing secret-looking sits in the tree.
std::string random_secret() {
    std::random_device rd;
    std::string out = "cs_site_";
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 43; ++i) {
        out += alphabet[rd() % 64];
    }
    return out;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return st.st_mode & 07777;
}

class SecretStoreTest : public ::testing::Test {
protected:
    SecretStoreLocation where() const { return {dir_ / "secrets", dir_ / "secrets" / "store.key"}; }
    SecretStore open(bool create = true) {
        auto store = SecretStore::open(where(), create);
        EXPECT_TRUE(store) << store.error().message;
        return std::move(store).value();
    }
    agent::testing::TempDir dir_;
};

TEST_F(SecretStoreTest, TheStoredFilesNeverHoldThePlainSecret) {
    std::string secret = random_secret();
    auto store = open();
    ASSERT_TRUE(store.set("site_key", secret));
    std::string file = slurp(where().file());
    std::string key = slurp(where().key_file);
    ASSERT_FALSE(file.empty());
    EXPECT_EQ(file.find(secret), std::string::npos);
    // Not even a recognisable part of it.
    EXPECT_EQ(file.find(secret.substr(8, 16)), std::string::npos);
    EXPECT_EQ(key.find(secret.substr(8, 16)), std::string::npos);
    auto doc = nlohmann::json::parse(file);
    EXPECT_EQ(doc["scheme"], "aes-256-gcm");
    EXPECT_TRUE(doc["secrets"].contains("site_key"));
    auto value = open(false).get("site_key");
    ASSERT_TRUE(value) << value.error().message;
    EXPECT_EQ(*value, secret);
}

TEST_F(SecretStoreTest, SealingTheSameValueTwiceGivesDifferentBytes) {
    std::string secret = random_secret();
    auto store = open();
    ASSERT_TRUE(store.set("a", secret));
    auto first = nlohmann::json::parse(slurp(where().file()))["secrets"]["a"]["sealed"];
    ASSERT_TRUE(store.set("a", secret));
    auto second = nlohmann::json::parse(slurp(where().file()))["secrets"]["a"]["sealed"];
    EXPECT_NE(first, second);  // a fresh nonce each time
}

TEST_F(SecretStoreTest, TheKeyAndTheStoreAreReadableByTheOwnerOnly) {
    auto store = open();
    ASSERT_TRUE(store.set("site_key", random_secret()));
    EXPECT_EQ(mode_of(where().key_file), 0600u);
    EXPECT_EQ(mode_of(where().file()), 0600u);
    EXPECT_EQ(mode_of(where().dir), 0700u);
}

TEST_F(SecretStoreTest, AWrongKeyFailsWithAClearError) {
    ASSERT_TRUE(open().set("site_key", random_secret()));
    // Another machine's key, or a key file restored from the wrong backup.
    fs::rename(where().key_file, dir_ / "original.key");
    EXPECT_FALSE(open().set("unrelated", random_secret()));  // refused: another key
    auto value = open(false).get("site_key");
    ASSERT_FALSE(value);
    EXPECT_EQ(value.error().code, ErrorCode::unauthorized);
    EXPECT_NE(value.error().message.find("'site_key'"), std::string::npos);
    EXPECT_NE(value.error().message.find("another key"), std::string::npos);
    EXPECT_NE(value.error().message.find(where().key_file.string()), std::string::npos);
    // The original key still opens it: nothing was overwritten by the refused set.
    fs::rename(dir_ / "original.key", where().key_file);
    EXPECT_TRUE(open(false).get("site_key"));
}

TEST_F(SecretStoreTest, AWrongKeyIsCaughtByTheCipherEvenWithoutTheFingerprint) {
    ASSERT_TRUE(open().set("site_key", random_secret()));
    auto doc = nlohmann::json::parse(slurp(where().file()));
    doc.erase("key_id");
    std::ofstream(where().file(), std::ios::trunc) << doc.dump();
    fs::remove(where().key_file);
    (void)open(true);  // a new random key
    auto value = open(false).get("site_key");
    ASSERT_FALSE(value);
    EXPECT_EQ(value.error().code, ErrorCode::unauthorized);
    EXPECT_NE(value.error().message.find("cannot be decrypted with the key file"),
              std::string::npos);
}

TEST_F(SecretStoreTest, AValueMovedUnderAnotherNameDoesNotOpen) {
    ASSERT_TRUE(open().set("site_key", random_secret()));
    auto doc = nlohmann::json::parse(slurp(where().file()));
    doc["secrets"]["p21_password"] = doc["secrets"]["site_key"];
    std::ofstream(where().file(), std::ios::trunc) << doc.dump();
    auto moved = open(false).get("p21_password");
    ASSERT_FALSE(moved);
    EXPECT_NE(moved.error().message.find("cannot be decrypted"), std::string::npos);
}

TEST_F(SecretStoreTest, AKeyFileOthersCanReadIsRefused) {
    ASSERT_TRUE(open().set("site_key", random_secret()));
    fs::permissions(where().key_file, fs::perms::group_read | fs::perms::others_read,
                    fs::perm_options::add);
    auto store = SecretStore::open(where(), false);
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message.find("chmod 600"), std::string::npos);
    EXPECT_NE(store.error().message.find(where().key_file.string()), std::string::npos);
}

TEST_F(SecretStoreTest, ReadingWithoutAKeyExplainsHowToStart) {
    auto store = SecretStore::open(where(), false);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::not_found);
    EXPECT_NE(store.error().message.find("secret set"), std::string::npos);
}

TEST_F(SecretStoreTest, ListsNamesAndRemovesSecrets) {
    auto store = open();
    std::string a = random_secret();
    ASSERT_TRUE(store.set("site_key", a));
    ASSERT_TRUE(store.set("p21.password", random_secret()));
    auto names = store.list();
    ASSERT_TRUE(names);
    ASSERT_EQ(names->size(), 2u);
    EXPECT_FALSE(names->front().updated_at.empty());
    EXPECT_EQ(*store.remove("p21.password"), true);
    EXPECT_EQ(*store.remove("p21.password"), false);
    ASSERT_EQ(store.list()->size(), 1u);
    EXPECT_EQ(*store.get("site_key"), a);
}

TEST_F(SecretStoreTest, RefusesBadNamesEmptyAndHugeValues) {
    auto store = open();
    EXPECT_FALSE(store.set("has space", "x"));
    EXPECT_FALSE(store.set("", "x"));
    EXPECT_FALSE(store.set("ok", ""));
    auto huge = store.set("ok", std::string(100'000, 'x'));
    ASSERT_FALSE(huge);
    EXPECT_EQ(huge.error().code, ErrorCode::limit_exceeded);
}

TEST_F(SecretStoreTest, ADamagedStoreNamesTheFile) {
    ASSERT_TRUE(open().set("site_key", random_secret()));
    std::ofstream(where().file(), std::ios::trunc) << "{not json";
    auto value = open(false).get("site_key");
    ASSERT_FALSE(value);
    EXPECT_NE(value.error().message.find(where().file().string()), std::string::npos);
}

}  // namespace
}  // namespace cs::agent::secrets

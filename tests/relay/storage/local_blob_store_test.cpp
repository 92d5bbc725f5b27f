#include "relay/storage/local_blob_store.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <stdlib.h>

namespace cs::relay::storage {
namespace {

namespace fs = std::filesystem;

class LocalBlobStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "cs-blob-test-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        auto store = LocalBlobStore::open(dir_ / "blobs", {.sync = false});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::size_t temp_files() const {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "blobs" / ".tmp")) {
            ++n;
        }
        return n;
    }

    fs::path dir_;
    std::unique_ptr<LocalBlobStore> store_;
};

TEST_F(LocalBlobStoreTest, PutGetReplaceAndRemove) {
    const std::string key = "tenants/0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6b/vendor-files/a.csv";
    ASSERT_TRUE(store_->put(key, "first"));
    EXPECT_EQ(store_->get(key, 100).value(), "first");
    ASSERT_TRUE(store_->put(key, std::string(1000, 'x')));
    EXPECT_EQ(store_->size(key).value(), 1000u);
    EXPECT_EQ(store_->path_of(key), dir_ / "blobs" / "tenants" /
                                        "0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6b" / "vendor-files" /
                                        "a.csv");
    auto too_big = store_->get(key, 999);
    ASSERT_FALSE(too_big);
    EXPECT_EQ(too_big.error().code, ErrorCode::limit_exceeded);
    ASSERT_TRUE(store_->remove(key));
    EXPECT_EQ(store_->get(key, 100).error().code, ErrorCode::not_found);
    EXPECT_TRUE(store_->remove(key)) << "removing an absent blob succeeds, so retries are safe";
    EXPECT_EQ(temp_files(), 0u);
}

TEST_F(LocalBlobStoreTest, StreamedWritesAppearOnlyOnCommit) {
    {
        auto writer = store_->open_writer("a/b", 1 << 20);
        ASSERT_TRUE(writer);
        ASSERT_TRUE((*writer)->write("hello "));
        ASSERT_TRUE((*writer)->write("world"));
        EXPECT_EQ(store_->get("a/b", 100).error().code, ErrorCode::not_found);
        EXPECT_EQ(temp_files(), 1u);
        ASSERT_TRUE((*writer)->commit());
        EXPECT_EQ((*writer)->bytes_written(), 11u);
    }
    EXPECT_EQ(store_->get("a/b", 100).value(), "hello world");
    {
        auto abandoned = store_->open_writer("a/b", 1 << 20);
        ASSERT_TRUE(abandoned);
        ASSERT_TRUE((*abandoned)->write("half"));
    }
    EXPECT_EQ(store_->get("a/b", 100).value(), "hello world")
        << "an abandoned write changes nothing";
    EXPECT_EQ(temp_files(), 0u);

    auto reader = store_->open_reader("a/b");
    ASSERT_TRUE(reader);
    EXPECT_EQ((*reader)->size(), 11u);
    EXPECT_EQ((*reader)->read(4).value(), "hell");
    EXPECT_EQ((*reader)->read(100).value(), "o world");
    EXPECT_EQ((*reader)->read(100).value(), "");
}

TEST_F(LocalBlobStoreTest, WritersStopAtTheirLimit) {
    auto writer = store_->open_writer("big", 8);
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->write("12345"));
    auto over = (*writer)->write("6789");
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, ErrorCode::limit_exceeded);
    EXPECT_FALSE((*writer)->commit()) << "a writer that failed cannot be committed";
    writer->reset();
    EXPECT_EQ(store_->size("big").error().code, ErrorCode::not_found);
    EXPECT_EQ(temp_files(), 0u);
}

TEST_F(LocalBlobStoreTest, StagedFilesAreHashedAsWrittenAndKeptOnlyWhenPut) {
    auto writer = store_->stage(1 << 20);
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->write("hello "));
    ASSERT_TRUE((*writer)->write("world"));
    auto staged = (*writer)->finish();
    ASSERT_TRUE(staged) << staged.error().message;
    EXPECT_EQ(staged->size(), 11u);
    EXPECT_EQ(staged->sha256(), "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    EXPECT_EQ(staged->path().parent_path(), dir_ / "blobs" / ".tmp");
    EXPECT_TRUE(fs::exists(staged->path())) << "readable while staged";
    ASSERT_TRUE(store_->put_staged("t/one", *staged));
    EXPECT_TRUE(staged->path().empty()) << "released once kept";
    EXPECT_EQ(store_->get("t/one", 100).value(), "hello world");
    EXPECT_EQ(temp_files(), 0u);
    {
        auto dropped = store_->stage(1 << 20);
        ASSERT_TRUE(dropped);
        ASSERT_TRUE((*dropped)->write("bytes"));
        auto file = (*dropped)->finish();
        ASSERT_TRUE(file);
        EXPECT_EQ(temp_files(), 1u);
    }
    EXPECT_EQ(temp_files(), 0u) << "a staged file nobody kept is removed";
    auto outside = StagedFile(dir_ / "elsewhere", 0, "");
    EXPECT_FALSE(store_->put_staged("t/two", outside)) << "only files from the staging area";
    outside.release();
}

TEST_F(LocalBlobStoreTest, StagingStopsAtItsLimit) {
    auto writer = store_->stage(8);
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->write("12345678"));
    auto over = (*writer)->write("9");
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, ErrorCode::limit_exceeded);
    EXPECT_FALSE((*writer)->finish());
    writer->reset();
    EXPECT_EQ(temp_files(), 0u);
}

TEST_F(LocalBlobStoreTest, KeysCannotLeaveTheStore) {
    for (std::string_view bad : {"", "/etc/passwd", "../x", "a/../../x", "a//b", "a/", ".tmp/x",
                                 "a/.hidden", "A/b", "a b", "a\\b", "tenants/x\n"}) {
        EXPECT_FALSE(validate_key(bad)) << "'" << bad << "'";
        EXPECT_FALSE(store_->put(bad, "x")) << "'" << bad << "'";
        EXPECT_FALSE(store_->get(bad, 10)) << "'" << bad << "'";
        EXPECT_FALSE(store_->remove(bad)) << "'" << bad << "'";
    }
    EXPECT_FALSE(validate_key(std::string(kMaxKeyBytes + 1, 'a')));
    EXPECT_TRUE(validate_key(std::string(kMaxKeyBytes, 'a')));
    EXPECT_TRUE(validate_key("tenants/t-1/vendor-files/f_2.v1"));
    EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(LocalBlobStoreTest, OpeningSweepsStagingFilesLeftByACrashButNotLiveOnes) {
    // What a killed relay left: an upload staged two hours ago and never put.
    auto tmp = dir_ / "blobs" / ".tmp";
    std::ofstream(tmp / "left-by-a-crash") << "half an upload";
    fs::last_write_time(tmp / "left-by-a-crash",
                        fs::file_time_type::clock::now() - std::chrono::hours(2));
    // A writer still at work (another instance on a shared store, say).
    auto live = store_->stage(1024);
    ASSERT_TRUE(live);
    ASSERT_TRUE((*live)->write("in progress"));
    ASSERT_EQ(temp_files(), 2u);

    auto reopened = LocalBlobStore::open(dir_ / "blobs", {.sync = false});
    ASSERT_TRUE(reopened) << reopened.error().message;
    EXPECT_FALSE(fs::exists(tmp / "left-by-a-crash"));
    EXPECT_EQ(temp_files(), 1u) << "the live staging file stays";
    auto staged = (*live)->finish();
    ASSERT_TRUE(staged) << staged.error().message;
    EXPECT_TRUE((*reopened)->put_staged("kept", *staged));
    EXPECT_EQ(*(*reopened)->get("kept", 1024), "in progress");
}

}  // namespace
}  // namespace cs::relay::storage

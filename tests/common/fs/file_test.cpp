#include "common/fs/file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cs::fs {
namespace {

class FileTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            std::filesystem::temp_directory_path() / ("cs-fs-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        old_umask_ = ::umask(0);
    }
    void TearDown() override {
        ::umask(old_umask_);
        std::filesystem::remove_all(dir_);
    }
    static unsigned mode_of(const std::filesystem::path& path) {
        struct stat st {};
        EXPECT_EQ(::stat(path.c_str(), &st), 0);
        return st.st_mode & 0777;
    }
    std::filesystem::path dir_;
    mode_t old_umask_ = 022;
};

TEST_F(FileTest, OwnerOnlyFilesAreNeverReadableByOthersEvenWhileBeingWritten) {
    auto path = dir_ / "bundle.zip";
    auto file = open_for_writing(path, Visibility::owner_only);
    ASSERT_TRUE(file) << file.error().message;
    // Before a byte is written, with umask 0.
    EXPECT_EQ(mode_of(path), 0600u);
    std::fputs("secret", file->get());
    file->reset();
    // A file that was there, readable by all, is narrowed and truncated.
    auto old = dir_ / "old.zip";
    std::ofstream(old) << "previous contents";
    std::filesystem::permissions(old, std::filesystem::perms::all);
    auto again = open_for_writing(old, Visibility::owner_only);
    ASSERT_TRUE(again);
    EXPECT_EQ(mode_of(old), 0600u);
    EXPECT_EQ(std::filesystem::file_size(old), 0u);
}

TEST_F(FileTest, InheritedFilesFollowTheUmask) {
    auto path = dir_ / "plain.txt";
    ASSERT_TRUE(open_for_writing(path));
    EXPECT_EQ(mode_of(path), 0666u);
    auto missing = open_for_writing(dir_ / "no" / "such" / "dir.txt", Visibility::owner_only);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    EXPECT_NE(missing.error().message.find("dir.txt"), std::string::npos);
}

}  // namespace
}  // namespace cs::fs

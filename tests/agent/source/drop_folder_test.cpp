#include "agent/source/drop_folder.hpp"

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
    std::ofstream(p) << text;
}

void age(const fs::path& p, std::chrono::seconds by) {
    fs::last_write_time(p, fs::file_time_type::clock::now() - by);
}

TEST(GlobTest, MatchesNamesCaseInsensitively) {
    EXPECT_TRUE(glob_match("*.csv", "contracts.CSV"));
    EXPECT_TRUE(glob_match("contracts_??.xlsx", "contracts_01.xlsx"));
    EXPECT_FALSE(glob_match("contracts_??.xlsx", "contracts_1.xlsx"));
    EXPECT_TRUE(glob_match("*", "anything"));
    EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
    EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
}

TEST(DropFolderTest, OnlyStableMatchingFilesOldestFirst) {
    testing::TempDir dir;
    DropFolder folder(dir.path(), dir / "processed", dir / "failed", std::chrono::seconds(2));
    write(dir / "new.csv", "a\n1\n");
    write(dir / "old.csv", "a\n1\n");
    write(dir / "older.csv", "a\n1\n");
    write(dir / "notes.txt", "x");
    write(dir / "~$lock.csv", "x");
    age(dir / "old.csv", std::chrono::seconds(60));
    age(dir / "older.csv", std::chrono::seconds(120));
    auto ready = folder.ready({"*.csv"}).value();
    ASSERT_EQ(ready.size(), 2u);  // new.csv was just written: not stable yet
    EXPECT_EQ(ready[0].path.filename(), "older.csv");
    EXPECT_EQ(ready[1].path.filename(), "old.csv");
}

TEST(DropFolderTest, AFileUnchangedAcrossPollsBecomesStable) {
    testing::TempDir dir;
    DropFolder folder(dir.path(), dir / "processed", dir / "failed",
                      std::chrono::milliseconds(300));
    write(dir / "a.csv", "x");
    EXPECT_TRUE(folder.ready({"*.csv"}).value().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(folder.ready({"*.csv"}).value().size(), 1u);
}

TEST(DropFolderTest, MovesNeverOverwriteAndFailuresCarryAReason) {
    testing::TempDir dir;
    DropFolder folder(dir.path(), dir / "processed", dir / "failed", std::chrono::seconds(0));
    write(dir / "a.csv", "one");
    auto first = folder.ready({"*.csv"}).value();
    ASSERT_EQ(first.size(), 1u);
    auto moved = folder.move_to_processed(first[0]).value();
    EXPECT_EQ(moved, dir / "processed" / "a.csv");
    write(dir / "a.csv", "two");
    auto second = folder.ready({"*.csv"}).value();
    auto moved_again = folder.move_to_processed(second[0]).value();
    EXPECT_EQ(moved_again, dir / "processed" / "a.1.csv");

    write(dir / "b.csv", "bad");
    auto third = folder.ready({"*.csv"}).value();
    auto failed = folder.move_to_failed(third[0], "b.csv: column 'Price' is missing").value();
    std::ifstream reason(failed.string() + ".reason.txt");
    std::string text;
    std::getline(reason, text);
    EXPECT_EQ(text, "b.csv: column 'Price' is missing");
    EXPECT_FALSE(fs::exists(dir / "b.csv"));
}

TEST(DropFolderTest, MissingFolderIsAClearError) {
    DropFolder folder("/nonexistent/drop", "/nonexistent/drop/processed",
                      "/nonexistent/drop/failed", std::chrono::seconds(1));
    auto r = folder.ready({"*"});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("/nonexistent/drop"), std::string::npos);
}

}  // namespace
}  // namespace cs::agent

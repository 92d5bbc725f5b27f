#include "agent/delta/index_snapshot.hpp"

#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

std::vector<SnapshotRow> rows(int n) {
    std::vector<SnapshotRow> out;
    for (int i = 0; i < n; ++i) {
        out.push_back({xxh3_128("bk" + std::to_string(i)), xxh3_128("dh" + std::to_string(i)),
                       xxh3_128("raw" + std::to_string(i)), i + 1});
    }
    return out;
}

void save(const std::filesystem::path& path, std::int64_t version,
          const std::vector<SnapshotRow>& r) {
    auto w = SnapshotWriter::open(path, 7, version);
    ASSERT_TRUE(w);
    for (const auto& row : r) {
        ASSERT_TRUE(w->write(row));
    }
    ASSERT_TRUE(w->commit());
}

std::vector<SnapshotRow> load(const std::filesystem::path& path, std::int64_t version, bool& ok) {
    std::vector<SnapshotRow> out;
    ok = load_index_snapshot(path, 7, version, [&](const SnapshotRow& r) { out.push_back(r); });
    return out;
}

TEST(IndexSnapshotTest, RoundTripsAcrossChunks) {
    testing::TempDir dir;
    auto path = dir / "index" / "entity-7.idx";
    auto written = rows(10'000);
    save(path, 42, written);
    bool ok = false;
    auto read = load(path, 42, ok);
    ASSERT_TRUE(ok);
    ASSERT_EQ(read.size(), written.size());
    EXPECT_EQ(read[9'999].bk, written[9'999].bk);
    EXPECT_EQ(read[123].raw_hash, written[123].raw_hash);
    EXPECT_EQ(read[123].rowid, 124);
}

TEST(IndexSnapshotTest, StaleMissingOrDamagedSnapshotsAreRefused) {
    testing::TempDir dir;
    auto path = dir / "entity-7.idx";
    bool ok = true;
    load(path, 1, ok);
    EXPECT_FALSE(ok);  // missing
    save(path, 5, rows(100));
    load(path, 6, ok);
    EXPECT_FALSE(ok);  // another state version
    EXPECT_FALSE(load_index_snapshot(path, 8, 5, [](const SnapshotRow&) {}));  // another entity
    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(200);
        f.put('\x7f');
    }
    load(path, 5, ok);
    EXPECT_FALSE(ok);  // checksum
    std::filesystem::resize_file(path, 100);
    load(path, 5, ok);
    EXPECT_FALSE(ok);  // truncated
}

TEST(IndexSnapshotTest, AnUncommittedWriterLeavesNothingBehind) {
    testing::TempDir dir;
    auto path = dir / "entity-7.idx";
    {
        auto w = SnapshotWriter::open(path, 7, 1);
        ASSERT_TRUE(w);
        ASSERT_TRUE(w->write(rows(1)[0]));
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(dir / "entity-7.idx.tmp"));
}

}  // namespace
}  // namespace cs::agent

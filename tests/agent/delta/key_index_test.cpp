#include "agent/delta/key_index.hpp"

#include <gtest/gtest.h>

#include "common/hash/hash128.hpp"

namespace cs::agent {
namespace {

Hash128 key(int i) {
    return xxh3_128(std::to_string(i));
}

TEST(KeyIndexTest, FindsWhatWasInsertedAcrossGrowth) {
    KeyIndex index;
    for (int i = 0; i < 50'000; ++i) {
        EXPECT_EQ(index.insert(key(i), key(-i), i + 1), static_cast<std::uint32_t>(i));
    }
    EXPECT_EQ(index.size(), 50'000u);
    for (int i = 0; i < 50'000; ++i) {
        auto e = index.find(key(i));
        ASSERT_NE(e, KeyIndex::kNone) << i;
        EXPECT_EQ(index.at(e).rowid, i + 1);
        EXPECT_EQ(index.at(e).data_hash, key(-i));
    }
    EXPECT_EQ(index.find(key(50'001)), KeyIndex::kNone);
}

TEST(KeyIndexTest, SeenMarksDriveTheUnseenWalk) {
    KeyIndex index(4);
    for (int i = 0; i < 1000; ++i) {
        auto e = index.insert(key(i), key(i), i + 1);
        if (i % 3 == 0) {
            index.mark_seen(e);
        }
    }
    std::size_t unseen = 0;
    index.for_each_unseen([&](std::uint32_t i) {
        EXPECT_NE((index.at(i).rowid - 1) % 3, 0);
        ++unseen;
    });
    EXPECT_EQ(unseen, 666u);
    EXPECT_TRUE(index.seen(index.find(key(3))));
    EXPECT_FALSE(index.seen(index.find(key(4))));
}

TEST(KeyIndexTest, MemoryIsAboutFiftyBytesPerRow) {
    KeyIndex index(1'000'000);
    for (int i = 0; i < 1'000'000; ++i) {
        index.insert(key(i), key(i), i + 1);
    }
    EXPECT_LE(index.memory_bytes(), 60u * 1'000'000);
}

TEST(RawRowSetTest, FindsRowsByRawHashAndIgnoresRowsWithout) {
    KeyIndex index;
    std::vector<Hash128> raw;
    for (int i = 0; i < 100; ++i) {
        index.insert(key(i), key(i), i + 1);
        raw.push_back(i == 7 ? Hash128{} : xxh3_128("raw " + std::to_string(i), 42));
    }
    RawRowSet set;
    set.build(index, raw);
    EXPECT_EQ(set.find(xxh3_128("raw 5", 42)), 5u);
    EXPECT_EQ(set.find(xxh3_128("raw 5", 43)), KeyIndex::kNone);  // another context
    EXPECT_EQ(set.find(Hash128{}), KeyIndex::kNone);              // no raw hash stored
    EXPECT_EQ(set.find(xxh3_128("raw 1000", 42)), KeyIndex::kNone);
    EXPECT_EQ(RawRowSet().find(xxh3_128("raw 5", 42)), KeyIndex::kNone);
}

}  // namespace
}  // namespace cs::agent

#include "common/rows/raw_batch.hpp"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(RawBatchTest, RowsKeepTheirCellsAndRawText) {
    RawBatch batch;
    batch.set_columns({"a", "b"});
    batch.begin_row({.line = 2, .record = 1});
    batch.add_cell(CellKind::text, "x");
    batch.add_cell(CellKind::number, "1.5");
    batch.end_row("x,1.5");
    batch.begin_row({.line = 3, .record = 2});
    batch.add_cell(CellKind::empty, "");
    batch.end_row("");
    ASSERT_EQ(batch.size(), 2u);
    EXPECT_EQ(batch.row(0)[1].text, "1.5");
    EXPECT_EQ(batch.row(0)[1].kind, CellKind::number);
    EXPECT_EQ(batch.row(1).size(), 1u);
    EXPECT_EQ(batch.location(1).line, 3u);
    EXPECT_EQ(batch.raw(0), "x,1.5");
}

TEST(RawBatchTest, ViewsSurviveManyAndLargeValues) {
    RawBatch batch;
    std::string big(700'000, 'q');
    for (int i = 0; i < 5000; ++i) {
        batch.begin_row({.record = static_cast<std::uint64_t>(i + 1)});
        batch.add_cell(CellKind::text, std::string(300, static_cast<char>('a' + i % 26)));
        if (i % 1000 == 0) {
            batch.add_cell(CellKind::text, big);
        }
        batch.end_row("raw");
    }
    // Earlier views must still read correctly after many blocks were added.
    EXPECT_EQ(batch.row(0)[0].text, std::string(300, 'a'));
    EXPECT_EQ(batch.row(0)[1].text.size(), big.size());
    EXPECT_EQ(batch.row(4999)[0].text, std::string(300, static_cast<char>('a' + 4999 % 26)));
    EXPECT_GT(batch.arena_bytes(), 5000u * 300u);
    batch.clear();
    EXPECT_EQ(batch.size(), 0u);
    EXPECT_EQ(batch.arena_bytes(), 0u);
}

TEST(RawBatchTest, AbandonedRowsLeaveNoTrace) {
    RawBatch batch;
    batch.begin_row({.record = 1});
    batch.add_cell(CellKind::text, "kept");
    batch.end_row("kept");
    batch.begin_row({.record = 2});
    batch.add_cell(CellKind::text, "broken");
    batch.abandon_row();
    batch.reject({.location = {.line = 3}, .error = "unterminated quote", .raw = "\"broken"});
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(batch.row(0).size(), 1u);
    ASSERT_EQ(batch.rejected().size(), 1u);
    EXPECT_EQ(batch.rejected()[0].error, "unterminated quote");
}

}  // namespace
}  // namespace cs

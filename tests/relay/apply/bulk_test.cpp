#include <gtest/gtest.h>

#include "tests/relay/apply/apply_fixture.hpp"

namespace cs::relay::apply {
namespace {

using testing::item_key;
using testing::item_row;
using testing::item_schema;
using testing::SourceModel;

class BulkTest : public ApplyFixture {};

// 100k rows, then a mix of updates, deletes, new rows and resurrections: the
// relay's records must equal the source row for row, field for field.
TEST_F(BulkTest, HundredThousandRowsThenChangesEndEqualToTheSource) {
    SourceModel source("inventory", item_schema());
    std::uint64_t next = 1;
    for (std::uint64_t i = 0; i < 100'000; ++i) {
        source.put(item_row(i, 1));
    }
    apply_all(source.take_frames(stream_, next, 10'000));
    EXPECT_EQ(scalar("SELECT count(*) FROM records"), "100000");

    for (std::uint64_t i = 0; i < 20'000; ++i) {
        source.put(item_row(i * 5, 2));  // updates
    }
    for (std::uint64_t i = 0; i < 10'000; ++i) {
        source.remove(item_key(i * 7 + 1));  // deletes
    }
    for (std::uint64_t i = 0; i < 5'000; ++i) {
        source.put(item_row(100'000 + i, 1));  // new rows
    }
    auto changes = source.take_frames(stream_, next, 10'000);
    apply_all(changes);
    for (std::uint64_t i = 0; i < 5'000; ++i) {
        source.put(item_row(i * 7 + 1, 3));  // deleted rows come back
    }
    apply_all(source.take_frames(stream_, next, 10'000));

    testing::expect_records_match(*conn_, site_, source);
    std::set<std::uint64_t> all;
    for (std::uint64_t s = 1; s < next; ++s) {
        all.insert(s);
    }
    testing::expect_ledger(*conn_, site_, stream_, all);
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log WHERE op = 'i'"), "105000");
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log WHERE op = 'd'"), "10000");
    // 20,000 updates less the 2,000 rows also removed in the same batch (x = 15
    // mod 35 below 70,000), plus the 5,000 resurrected rows.
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log WHERE op = 'u'"), "23000");
}

}  // namespace
}  // namespace cs::relay::apply

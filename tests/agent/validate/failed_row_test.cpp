#include "agent/validate/failed_row.hpp"

#include <gtest/gtest.h>

#include "agent/store/state_db.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

FailedRow failed_row(std::string entity, std::string error) {
    FailedRow row;
    row.run_id = "run-1";
    row.entity = std::move(entity);
    row.stage = "normalize";
    row.field = "price";
    row.error = std::move(error);
    row.value = "12,5x";
    row.source = "items.csv";
    row.location = {12, 11, 0};
    row.raw = "A-1,12,5x";
    row.cells = R"({"item_id":"A-1","price":"12,5x"})";
    row.created_at = 1000;
    return row;
}

TEST(FailedRowTest, CellsJsonNamesEveryColumnAndWritesMissingCellsAsNull) {
    std::vector<RawCell> cells = {{CellKind::text, "A \"1\""}, {CellKind::empty, ""}};
    EXPECT_EQ(cells_json({"item_id", "price", "uom"}, cells),
              R"({"item_id":"A \"1\"","price":null,"uom":null})");
}

TEST(FailedRowTest, StoresEverythingNeededToUnderstandAndRetryTheRow) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    FailedRowStore failed(store.db());
    ASSERT_TRUE(failed.insert(failed_row("inv_mast", "not a number")));
    auto rows = failed.list({}).value();
    ASSERT_EQ(rows.size(), 1u);
    const FailedRow& r = rows[0];
    EXPECT_GT(r.id, 0);
    EXPECT_EQ(r.entity, "inv_mast");
    EXPECT_EQ(r.stage, "normalize");
    EXPECT_EQ(r.field, "price");
    EXPECT_EQ(r.error, "not a number");
    EXPECT_EQ(r.value, "12,5x");
    EXPECT_EQ(r.source, "items.csv");
    EXPECT_EQ(r.location.line, 12u);
    EXPECT_EQ(r.location.record, 11u);
    EXPECT_EQ(r.raw, "A-1,12,5x");
    EXPECT_EQ(r.cells, R"({"item_id":"A-1","price":"12,5x"})");
    auto again = failed.get(r.id).value();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->error, "not a number");
    EXPECT_FALSE(failed.get(r.id + 100).value());
}

TEST(FailedRowTest, ListsPageByIdAndFilterByEntityAndPurgeCountsWhatItRemoved) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    FailedRowStore failed(store.db());
    for (const char* entity : {"inv_mast", "supplier", "inv_mast", "inv_mast"}) {
        ASSERT_TRUE(failed.insert(failed_row(entity, "bad")));
    }
    auto first = failed.list({"inv_mast", 0, 2}).value();
    ASSERT_EQ(first.size(), 2u);
    auto rest = failed.list({"inv_mast", first.back().id, 10}).value();
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_GT(rest[0].id, first.back().id);
    auto counts = failed.counts().value();
    ASSERT_EQ(counts.size(), 2u);
    EXPECT_EQ(counts[0], (std::pair<std::string, std::int64_t>("inv_mast", 3)));
    EXPECT_EQ(counts[1], (std::pair<std::string, std::int64_t>("supplier", 1)));

    ASSERT_TRUE(failed.remove(rest[0].id));
    EXPECT_EQ(failed.purge("inv_mast").value(), 2);
    EXPECT_EQ(failed.list({}).value().size(), 1u);
    EXPECT_EQ(failed.purge("").value(), 1);
    EXPECT_TRUE(failed.list({}).value().empty());
}

TEST(FailedRowTest, ReportsEachRowOnceInIdOrder) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    FailedRowStore failed(store.db());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(failed.insert(failed_row("inv_mast", "bad " + std::to_string(i))));
    }
    auto pending = failed.unreported(2).value();
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].error, "bad 0");
    EXPECT_EQ(pending[1].error, "bad 1");
    ASSERT_TRUE(failed.mark_reported(pending.back().id));
    auto left = failed.unreported(10).value();
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].error, "bad 2");
}

}  // namespace
}  // namespace cs::agent

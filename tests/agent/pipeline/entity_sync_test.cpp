#include "agent/pipeline/entity_sync.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "agent/outbox/outbox.hpp"
#include "agent/validate/failed_row.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

// Rows given as text cells, handed out two per batch.
class TextReader final : public RowReader {
public:
    TextReader(std::vector<std::string> columns, std::vector<std::vector<std::string>> rows)
        : columns_(std::move(columns)), rows_(std::move(rows)) {}

    Expected<bool> read(RawBatch& batch, std::size_t max_rows) override {
        batch.clear();
        batch.set_columns(columns_);
        for (std::size_t n = 0; n < std::min<std::size_t>(max_rows, 2) && next_ < rows_.size();
             ++n, ++next_) {
            batch.begin_row({next_ + 2, next_ + 1, 0});
            std::string raw;
            for (const auto& cell : rows_[next_]) {
                batch.add_cell(cell.empty() ? CellKind::empty : CellKind::text, batch.intern(cell));
                raw += (raw.empty() ? "" : ",") + cell;
            }
            batch.end_row(batch.intern(raw));
        }
        return next_ < rows_.size();
    }
    const std::vector<std::string>& columns() const override { return columns_; }

private:
    std::vector<std::string> columns_;
    std::vector<std::vector<std::string>> rows_;
    std::size_t next_ = 0;
};

EntityPlan item_plan() {
    EntityPlan plan;
    plan.name = "inv_mast";
    for (const char* name : {"item_id", "price"}) {
        FieldSpec field;
        field.name = field.from = name;
        plan.fields.push_back(field);
        plan.identity.fields.push_back({name, FieldType::string});
    }
    plan.identity.key = {0};
    plan.fingerprint = "test";
    plan.workers = 2;
    return plan;
}

Expected<RunRecord> sync_rows(StateDb& store, const EntityPlan& plan,
                              std::vector<std::vector<std::string>> rows) {
    TextReader reader({"item_id", "price"}, std::move(rows));
    return sync_entity(store, plan, reader, {"items.csv", "full", nullptr});
}

TEST(EntitySyncTest, InsertsNewRowsAndSendsRowsWithoutAKeyToFailedRows) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    auto run = sync_rows(store, item_plan(), {{"A", "1.00"}, {"", "2.00"}, {"B", "3.00"}});
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->status, RunStatus::succeeded) << run->error;
    EXPECT_EQ(run->counts.fetched, 3);
    EXPECT_EQ(run->counts.inserted, 2);
    EXPECT_EQ(run->counts.failed, 1);
    EXPECT_EQ(store.find_entity("inv_mast").value()->row_count, 2);

    auto failed = FailedRowStore(store.db()).list({}).value();
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].entity, "inv_mast");
    EXPECT_EQ(failed[0].run_id, run->run_id);
    EXPECT_EQ(failed[0].source, "items.csv");
    EXPECT_EQ(failed[0].location.record, 2u);
    EXPECT_NE(failed[0].error.find("item_id"), std::string::npos) << failed[0].error;

    auto outbox = Outbox(store.db()).stats().value();
    EXPECT_GE(outbox.depth, 1);
    EXPECT_EQ(outbox.rows, 2);
}

TEST(EntitySyncTest, ASecondFullReadSkipsUnchangedRowsUpdatesChangedOnesAndDeletesMissingOnes) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    EntityPlan plan = item_plan();
    ASSERT_TRUE(sync_rows(store, plan, {{"A", "1.00"}, {"B", "2.00"}, {"C", "3.00"}}));
    auto before = Outbox(store.db()).stats().value();

    auto run = sync_rows(store, plan, {{"A", "1.00"}, {"B", "2.50"}});
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->status, RunStatus::succeeded) << run->error;
    EXPECT_EQ(run->counts.skipped, 1);
    EXPECT_EQ(run->counts.updated, 1);
    EXPECT_EQ(run->counts.deleted, 1);
    EXPECT_EQ(run->counts.inserted, 0);
    EXPECT_EQ(store.find_entity("inv_mast").value()->row_count, 2);
    // Only the update and the delete travel: the unchanged row does not.
    EXPECT_EQ(Outbox(store.db()).stats().value().rows - before.rows, 2);
}

TEST(EntitySyncTest, ARunThatStopsBeforeItsEndIsPausedAndDeletesNothing) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    EntityPlan plan = item_plan();
    ASSERT_TRUE(sync_rows(store, plan, {{"A", "1.00"}, {"B", "2.00"}, {"C", "3.00"}}));
    // Read to its end, this would delete C and insert D; stopped after the
    // first batch (A and B) it may do neither.
    std::atomic<bool> stop{true};
    TextReader reader({"item_id", "price"}, {{"A", "1.00"}, {"B", "2.00"}, {"D", "4.00"}});
    auto run = sync_entity(store, plan, reader, {"items.csv", "full", &stop});
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->status, RunStatus::paused);
    EXPECT_EQ(run->counts.deleted, 0);
    EXPECT_EQ(run->counts.inserted, 0);
    EXPECT_EQ(store.find_entity("inv_mast").value()->row_count, 3);
}

TEST(EntitySyncTest, TheDeleteGuardRefusesToDeleteMostOfTheEntityUnlessForced) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    EntityPlan plan = item_plan();
    ASSERT_TRUE(sync_rows(store, plan, {{"A", "1.00"}, {"B", "2.00"}, {"C", "3.00"}}));

    auto refused = sync_rows(store, plan, {{"A", "1.00"}});
    ASSERT_TRUE(refused) << refused.error().message;
    EXPECT_EQ(refused->status, RunStatus::refused);
    EXPECT_EQ(refused->counts.deleted, 0);
    EXPECT_EQ(store.find_entity("inv_mast").value()->row_count, 3);

    plan.delta.force = true;
    auto forced = sync_rows(store, plan, {{"A", "1.00"}});
    ASSERT_TRUE(forced) << forced.error().message;
    EXPECT_EQ(forced->status, RunStatus::succeeded) << forced->error;
    EXPECT_EQ(forced->counts.deleted, 2);
    EXPECT_EQ(store.find_entity("inv_mast").value()->row_count, 1);
}

}  // namespace
}  // namespace cs::agent

#include "agent/track/run_record.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/store/state_db.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

RunRecord run_of(std::string id, std::string entity, std::int64_t started_at,
                 RunStatus status = RunStatus::succeeded) {
    RunRecord run;
    run.run_id = std::move(id);
    run.entity = std::move(entity);
    run.source = "items.csv";
    run.mode = "full";
    run.status = status;
    run.started_at = started_at;
    run.finished_at = status == RunStatus::running ? 0 : started_at + 10;
    return run;
}

TEST(RunRecordTest, SuccessRateCountsFailedRowsAgainstFetchedOnes) {
    RunCounts counts;
    EXPECT_DOUBLE_EQ(counts.success_rate(), 1.0);
    counts.fetched = 4;
    counts.failed = 1;
    EXPECT_DOUBLE_EQ(counts.success_rate(), 0.75);
    EXPECT_EQ(to_string(RunStatus::refused), "refused");
    EXPECT_EQ(to_string(RunStatus::paused), "paused");
}

TEST(RunRecordTest, SavingAgainReplacesTheRunAndItsCountsSurviveTheStore) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    RunStore runs(store.db());
    RunRecord run = run_of("r1", "inv_mast", 100, RunStatus::running);
    ASSERT_TRUE(runs.save(run));
    run.status = RunStatus::succeeded;
    run.counts.fetched = 5;
    run.counts.inserted = 4;
    run.counts.failed = 1;
    run.first_sequence = 7;
    run.last_sequence = 9;
    run.note = "a note";
    ASSERT_TRUE(runs.save(run));
    auto recent = runs.recent("inv_mast", 10).value();
    ASSERT_EQ(recent.size(), 1u);
    EXPECT_EQ(recent[0].status, RunStatus::succeeded);
    EXPECT_EQ(recent[0].counts.inserted, 4);
    EXPECT_EQ(recent[0].counts.failed, 1);
    EXPECT_EQ(recent[0].first_sequence, 7u);
    EXPECT_EQ(recent[0].last_sequence, 9u);
    EXPECT_EQ(recent[0].note, "a note");
    auto j = to_json(recent[0]);
    EXPECT_EQ(j["status"], "succeeded");
    EXPECT_DOUBLE_EQ(j["success_rate"].get<double>(), 0.8);
}

TEST(RunRecordTest, LatestPerEntityAndRecentAreNewestFirstPerEntity) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    RunStore runs(store.db());
    ASSERT_TRUE(runs.save(run_of("a1", "inv_mast", 100)));
    ASSERT_TRUE(runs.save(run_of("a2", "inv_mast", 300)));
    ASSERT_TRUE(runs.save(run_of("b1", "supplier", 200)));
    auto latest = runs.latest_per_entity().value();
    ASSERT_EQ(latest.size(), 2u);
    EXPECT_EQ(latest[0].run_id, "a2");
    EXPECT_EQ(latest[1].run_id, "b1");
    auto recent = runs.recent("", 2).value();
    ASSERT_EQ(recent.size(), 2u);
    EXPECT_EQ(recent[0].run_id, "a2");
    EXPECT_EQ(recent[1].run_id, "b1");
}

TEST(RunRecordTest, AnInterruptedRunIsClosedAsFailedAndOnlyFinishedRunsAreReported) {
    testing::TempDir dir;
    auto store = StateDb::open(dir / "state.db").value();
    RunStore runs(store.db());
    ASSERT_TRUE(runs.save(run_of("done", "inv_mast", 100)));
    ASSERT_TRUE(runs.save(run_of("crashed", "inv_mast", 200, RunStatus::running)));
    auto before = runs.unreported(10).value();
    ASSERT_EQ(before.size(), 1u);
    EXPECT_EQ(before[0].run_id, "done");

    ASSERT_TRUE(runs.close_interrupted(500));
    auto crashed = runs.recent("inv_mast", 1).value().at(0);
    EXPECT_EQ(crashed.run_id, "crashed");
    EXPECT_EQ(crashed.status, RunStatus::failed);
    EXPECT_EQ(crashed.finished_at, 500);
    EXPECT_NE(crashed.error.find("interrupted"), std::string::npos);

    ASSERT_TRUE(runs.mark_reported("done"));
    auto after = runs.unreported(10).value();
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].run_id, "crashed");
}

}  // namespace
}  // namespace cs::agent

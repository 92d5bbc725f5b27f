// Automatic runs after input changes, scheduled runs, and runs that cannot overlap.
#include <chrono>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "relay/recon/recon.hpp"
#include "tests/relay/recon/recon_fixture.hpp"

namespace cs::relay::recon::testing {
namespace {

class SchedulerTest : public ReconFixture {
protected:
    void seed() override {
        p21_.supplier(10, "Acme");
        p21_.item(1, "ITEM-1", "Widget");
        p21_.supplier_item(1, 1, 10, "W-1", "10.00");
        sync_p21();
        Policy p;
        p.settle_seconds = 0;  // run as soon as a change is seen
        ASSERT_TRUE(update_policy(*conn_, tenant_, p, Actor{}));
    }

    // Pretends the last run happened `minutes` ago.
    void age_last_run(int minutes) {
        ASSERT_TRUE(conn_->query("age",
                                 "UPDATE recon_state SET last_run_at = now() - $1::int * "
                                 "interval '1 minute', last_attempt_at = now() - $1::int * "
                                 "interval '1 minute'",
                                 db::Params().integer(minutes)));
    }

    // Every run of the tenant fails from now on (until heal()), as one that
    // ran into its statement timeout would.
    void break_runs() {
        ASSERT_TRUE(conn_->exec("break runs", R"sql(
            CREATE FUNCTION test_fail_run() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'canceling statement due to statement timeout'; END $$;
            CREATE TRIGGER test_fail_run AFTER INSERT ON recon_runs
                FOR EACH ROW WHEN (NEW.status = 'running') EXECUTE FUNCTION test_fail_run())sql"));
    }
    void heal() { ASSERT_TRUE(conn_->exec("heal", "DROP TRIGGER test_fail_run ON recon_runs")); }
    // Lets a backoff in force run out now.
    void expire_backoff() {
        ASSERT_TRUE(conn_->exec("expire", "UPDATE recon_state SET next_attempt_at = now()"));
    }
    // Seconds from the last attempt to the next, as get_state reports them.
    double seconds_to_next() {
        return std::stod(scalar(R"sql(
            SELECT extract(epoch FROM next_attempt_at - last_attempt_at) FROM recon_state)sql"));
    }
};

TEST_F(SchedulerTest, AFailedRunWithoutAutoRunWaitsForItsSchedule) {
    Policy p;
    p.settle_seconds = 0;
    p.auto_run = false;
    p.schedule_minutes = 60;
    ASSERT_TRUE(update_policy(*conn_, tenant_, p, Actor{}));
    break_runs();
    SchedulerOptions options;
    options.retry_base = std::chrono::milliseconds(1);  // would retry at once if it retried
    Scheduler scheduler(options);
    auto first = scheduler.tick(*conn_).value();
    ASSERT_EQ(first.runs.size(), 0u);
    ASSERT_EQ(first.errors.size(), 1u) << "the first scheduled run fails";
    for (int pass = 0; pass < 3; ++pass) {
        auto again = scheduler.tick(*conn_).value();
        EXPECT_TRUE(again.runs.empty() && again.errors.empty())
            << "pass " << pass << ": a failed run is not retried on every pass";
    }
    auto state = get_state(*conn_, tenant_).value();
    EXPECT_EQ(state.failures, 1);
    EXPECT_FALSE(state.auto_run);
    EXPECT_NE(state.last_error.find("statement timeout"), std::string::npos) << state.last_error;
    ASSERT_FALSE(state.last_attempt_at.empty());
    ASSERT_FALSE(state.next_attempt_at.empty()) << "the schedule names the next attempt";
    EXPECT_EQ(scalar("SELECT next_attempt_at IS NULL FROM recon_state"), "t")
        << "no backoff without auto_run";
    EXPECT_EQ(scalar(fmt::format("SELECT round(extract(epoch FROM '{}'::timestamptz - "
                                 "'{}'::timestamptz))",
                                 state.next_attempt_at, state.last_attempt_at)),
              "3600")
        << "an hour after the failed attempt";

    // An hour later the schedule comes round; a success clears the failure.
    heal();
    ASSERT_TRUE(conn_->exec("an hour later",
                            "UPDATE recon_state SET last_attempt_at = now() - interval '61 min'"));
    auto scheduled = scheduler.tick(*conn_).value();
    ASSERT_EQ(scheduled.runs.size(), 1u);
    EXPECT_EQ(scheduled.runs[0].trigger, "scheduled");
    auto healed = get_state(*conn_, tenant_).value();
    EXPECT_EQ(healed.failures, 0);
    EXPECT_TRUE(healed.last_error.empty());
    EXPECT_EQ(healed.last_run_id, scheduled.runs[0].run_id);
}

TEST_F(SchedulerTest, FailedAutomaticRunsBackOffExponentiallyUpToTheCap) {
    break_runs();
    SchedulerOptions options;
    options.retry_base = std::chrono::milliseconds(60'000);
    options.retry_max = std::chrono::milliseconds(200'000);
    Scheduler scheduler(options);
    ASSERT_EQ(scheduler.tick(*conn_)->errors.size(), 1u) << "the enrolled tenant's run fails";
    EXPECT_TRUE(scheduler.tick(*conn_)->errors.empty()) << "backing off, not retried now";
    EXPECT_NEAR(seconds_to_next(), 60, 1);
    expire_backoff();
    ASSERT_EQ(scheduler.tick(*conn_)->errors.size(), 1u) << "retried once the backoff ran out";
    EXPECT_NEAR(seconds_to_next(), 120, 1);
    expire_backoff();
    ASSERT_EQ(scheduler.tick(*conn_)->errors.size(), 1u);
    EXPECT_NEAR(seconds_to_next(), 200, 1) << "240 s capped at retry_max";
    auto state = get_state(*conn_, tenant_).value();
    EXPECT_EQ(state.failures, 3);
    EXPECT_TRUE(state.auto_run);
    EXPECT_FALSE(state.next_attempt_at.empty());
    // New inputs do not cut a backoff short: the run would fail the same way.
    upload("c.csv", "Vendor,Contract,Item,Price\nacme,C2,W-1,13.00\n");
    EXPECT_TRUE(scheduler.tick(*conn_)->errors.empty());

    heal();
    expire_backoff();
    auto ok = scheduler.tick(*conn_).value();
    ASSERT_EQ(ok.runs.size(), 1u);
    EXPECT_EQ(ok.runs[0].trigger, "automatic");
    EXPECT_EQ(get_state(*conn_, tenant_)->failures, 0);
    EXPECT_EQ(scalar("SELECT next_attempt_at IS NULL FROM recon_state"), "t");
}

TEST_F(SchedulerTest, ChangedInputsTriggerOneAutomaticRun) {
    Scheduler scheduler;
    // The policy change enrolled the tenant: its first run is due now.
    auto first = scheduler.tick(*conn_);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_EQ(first->runs.size(), 1u);
    EXPECT_EQ(first->runs[0].trigger, "automatic");
    EXPECT_EQ(first->runs[0].lines, 0);
    // Nothing changed since: nothing to do.
    EXPECT_TRUE(scheduler.tick(*conn_)->runs.empty());

    // A contract line synced by an agent is noticed in the apply ledger.
    contracts_.line({"C1", "W-1", "ACME", "EA", "12.00"});
    sync_contracts();
    auto after_sync = scheduler.tick(*conn_).value();
    EXPECT_EQ(after_sync.tenants_marked, 1u);
    ASSERT_EQ(after_sync.runs.size(), 1u);
    EXPECT_EQ(after_sync.runs[0].opened, 1);
    EXPECT_EQ(find("PRICE_MISMATCH", "W-1").status, "open");
    EXPECT_TRUE(scheduler.tick(*conn_)->runs.empty()) << "the overlap re-reads, but runs once";

    // P21 corrected through a sync: the next tick resolves the exception.
    p21_.supplier_item(1, 1, 10, "W-1", "12.00");
    sync_p21();
    auto after_fix = scheduler.tick(*conn_).value();
    ASSERT_EQ(after_fix.runs.size(), 1u);
    EXPECT_EQ(after_fix.runs[0].auto_resolved, 1);
    EXPECT_EQ(find("PRICE_MISMATCH", "W-1").status, "resolved");

    // An upload marks the inputs changed by itself.
    upload("c.csv", "Vendor,Contract,Item,Price\nacme,C2,W-1,13.00\n");
    auto after_upload = scheduler.tick(*conn_).value();
    ASSERT_EQ(after_upload.runs.size(), 1u);
    EXPECT_EQ(after_upload.runs[0].opened, 1);
}

TEST_F(SchedulerTest, SettleTimeAndScheduleDecideWhenToRun) {
    Scheduler scheduler;
    ASSERT_EQ(scheduler.tick(*conn_)->runs.size(), 1u);
    Policy p;
    p.settle_seconds = 3600;  // changes wait an hour
    p.schedule_minutes = 60;
    ASSERT_TRUE(update_policy(*conn_, tenant_, p, Actor{}));
    EXPECT_TRUE(scheduler.tick(*conn_)->runs.empty()) << "changed a moment ago: not settled";
    age_last_run(61);
    auto scheduled = scheduler.tick(*conn_).value();
    ASSERT_EQ(scheduled.runs.size(), 1u);
    EXPECT_EQ(scheduled.runs[0].trigger, "scheduled");
    EXPECT_TRUE(scheduler.tick(*conn_)->runs.empty());

    p.schedule_minutes.reset();
    p.auto_run = false;
    ASSERT_TRUE(update_policy(*conn_, tenant_, p, Actor{}));
    age_last_run(100'000);
    EXPECT_TRUE(scheduler.tick(*conn_)->runs.empty()) << "neither automatic nor scheduled";
    auto runs = list_runs(*conn_, tenant_, "", 10).value();
    ASSERT_EQ(runs.items.size(), 2u);
    EXPECT_EQ(runs.items[0].run_id, scheduled.runs[0].run_id) << "newest first";
    EXPECT_EQ(get_run(*conn_, tenant_, runs.items[1].run_id)->trigger, "automatic");
}

TEST_F(SchedulerTest, ARunInProgressBlocksAnotherOfTheSameTenant) {
    auto other = db_->connect();
    ASSERT_TRUE(other->exec("hold", "BEGIN"));
    ASSERT_TRUE(run(*other, tenant_, {}));  // holds the tenant's lock until COMMIT
    auto blocked = run(*conn_, tenant_, {});
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, ErrorCode::conflict);
    Scheduler scheduler;
    auto tick = scheduler.tick(*conn_).value();
    EXPECT_TRUE(tick.runs.empty());
    ASSERT_EQ(tick.errors.size(), 1u);
    EXPECT_NE(tick.errors[0].find("already in progress"), std::string::npos);
    ASSERT_TRUE(other->exec("release", "COMMIT"));
    EXPECT_TRUE(run(*conn_, tenant_, {}));
}

}  // namespace
}  // namespace cs::relay::recon::testing

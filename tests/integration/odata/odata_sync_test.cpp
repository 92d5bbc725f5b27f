#include "agent/sync/odata_sync.hpp"

#include <chrono>
#include <cstdlib>

#include <gtest/gtest.h>

#include "agent/source/odata/connection_check.hpp"
#include "agent/sync/sync_runner.hpp"
#include "tests/agent/agent_test_support.hpp"
#include "tests/integration/odata/odata_harness.hpp"

namespace cs::agent::testing {
namespace {

using p21sim::testing::SimProcess;

class OdataSyncTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("CS_ODATA_TEST_PASSWORD", "pw", 1);
        ::setenv("CS_ODATA_TEST_SITE_KEY", "unused", 1);
    }

    void start(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {
            "--listen", "127.0.0.1:0",          "--rows",         "inv_mast=1500,supplier=120",
            "--clock",  "2025-06-02T00:00:00Z", "--freeze-clock", "--generic-page-size",
            "300"};
        args.insert(args.end(), extra.begin(), extra.end());
        sim_ = std::make_unique<SimProcess>(args);
        ASSERT_TRUE(sim_->started());
    }

    nlohmann::json post(const std::string& path, const nlohmann::json& body) {
        return admin(sim_->origin(), "POST", path, body);
    }
    nlohmann::json stats() { return admin(sim_->origin(), "GET", "/__admin/stats"); }
    std::int64_t live_rows(const std::string& table) {
        return admin(sim_->origin(), "GET", "/__admin/table/" + table)["rows"].get<std::int64_t>();
    }
    void advance(int seconds) { post("/__admin/clock", {{"advance_seconds", seconds}}); }

    static SyncReport sync(const AgentConfig& config, StateDb& store, bool full = false) {
        SyncOptions options;
        options.full = full;
        auto report = sync_entities(config, store, options);
        EXPECT_TRUE(report) << (report ? "" : report.error().message);
        return report ? std::move(*report) : SyncReport{};
    }

    static const RunRecord& run_of(const SyncReport& report, const std::string& entity,
                                   const std::string& mode = "") {
        for (const auto& run : report.runs) {
            if (run.entity == entity && (mode.empty() || run.mode == mode)) {
                return run;
            }
        }
        static RunRecord none;
        ADD_FAILURE() << "no run for " << entity << " " << mode;
        return none;
    }

    // A fresh store that reads everything once: what an exact sync must equal.
    void expect_matches_fresh_read(const AgentConfig& config, StateDb& store,
                                   const std::vector<std::string>& entities) {
        TempDir fresh;
        auto json =
            agent_json(fresh / "state", p21_source(sim_->origin()), nlohmann::json::array());
        AgentConfig copy = config;
        copy.state_dir = fresh / "state";
        std::filesystem::create_directories(copy.state_dir);
        auto other = StateDb::open(copy.state_db());
        ASSERT_TRUE(other);
        auto report = sync(copy, *other);
        ASSERT_FALSE(report.problems());
        for (const auto& entity : entities) {
            auto expected = state_of(*other, entity);
            auto actual = state_of(store, entity);
            EXPECT_EQ(actual.size(), expected.size()) << entity;
            EXPECT_TRUE(actual == expected) << entity << ": state differs from a fresh full read";
        }
    }

    std::unique_ptr<SimProcess> sim_;
    TempDir dir_;
};

TEST_F(OdataSyncTest, FullAndIncrementalSyncsConvergeWithLookBackAndKeySweep) {
    start();
    auto config = load_config(
        dir_.path(), agent_json(dir_ / "state", p21_source(sim_->origin()),
                                {supplier_entity(), inv_mast_entity(), item_uom_entity()}));
    std::filesystem::create_directories(config.state_dir);
    auto store = StateDb::open(config.state_db());
    ASSERT_TRUE(store);

    auto first = sync(config, *store);
    ASSERT_FALSE(first.problems());
    EXPECT_EQ(run_of(first, "inv_mast").counts.inserted, 1500);
    EXPECT_EQ(run_of(first, "item_uom").counts.inserted, live_rows("item_uom"));
    EXPECT_EQ(run_of(first, "supplier").counts.inserted, 120);
    EXPECT_EQ(run_of(first, "inv_mast").mode, "full");
    EXPECT_EQ(stats()["tokens_issued"], 1) << "one token for every table of the sync";

    // Changes one minute later: updates, inserts and soft deletes come incrementally.
    advance(60);
    post("/__admin/table/inv_mast/update", {{"count", 30}});
    post("/__admin/table/inv_mast/insert", {{"count", 5}});
    post("/__admin/table/item_uom/delete-flag", {{"count", 3}});
    auto second = sync(config, *store);
    ASSERT_FALSE(second.problems());
    const auto& inv = run_of(second, "inv_mast");
    EXPECT_EQ(inv.mode, "incremental");
    EXPECT_EQ(inv.counts.updated, 30);
    EXPECT_EQ(inv.counts.inserted, 5);
    EXPECT_LT(inv.counts.fetched, 100) << "an incremental read fetches the changed rows only";
    EXPECT_EQ(run_of(second, "item_uom").counts.updated, 3);
    EXPECT_EQ(run_of(second, "supplier").counts.updated, 0);

    // Two minutes later, inside the ten-minute look-back: the earlier rows are
    // read again but are unchanged (no duplicate change), the new ones update once.
    advance(120);
    post("/__admin/table/inv_mast/update", {{"count", 10}});
    auto third = sync(config, *store);
    ASSERT_FALSE(third.problems());
    const auto& again = run_of(third, "inv_mast");
    EXPECT_EQ(again.counts.updated, 10);
    EXPECT_EQ(again.counts.inserted, 0);
    EXPECT_GE(again.counts.skipped, 35) << "rows inside the look-back are re-read, not lost";

    // Physical deletes leave no trace in date_last_modified: the key sweep finds them.
    advance(60);
    post("/__admin/table/inv_mast/delete", {{"count", 4}});
    auto client = odata::OdataClient::open(*config.find_source("p21"), nullptr);
    ASSERT_TRUE(client);
    auto runs = odata::sync_odata_entity(*store, *config.find_entity("inv_mast"), **client,
                                         {false, false, true, nullptr});
    ASSERT_TRUE(runs) << runs.error().message;
    ASSERT_EQ(runs->size(), 2u);
    EXPECT_EQ((*runs)[1].mode, "sweep");
    EXPECT_EQ((*runs)[1].status, RunStatus::succeeded) << (*runs)[1].error;
    EXPECT_EQ((*runs)[1].counts.deleted, 4);
    EXPECT_EQ((*runs)[1].counts.fetched, live_rows("inv_mast"));

    expect_matches_fresh_read(config, *store, {"supplier", "inv_mast", "item_uom"});
}

TEST_F(OdataSyncTest, TokenExpiryMidRunRecoversWithOneNewToken) {
    start();
    auto config = load_config(
        dir_.path(), agent_json(dir_ / "state", p21_source(sim_->origin()), {inv_mast_entity()}));
    std::filesystem::create_directories(config.state_dir);
    auto store = StateDb::open(config.state_db());
    ASSERT_TRUE(store);
    post("/__admin/faults", {{"expire_token_page", 3}});
    auto report = sync(config, *store);
    ASSERT_FALSE(report.problems()) << run_of(report, "inv_mast").error;
    EXPECT_EQ(run_of(report, "inv_mast").counts.inserted, 1500);
    auto s = stats();
    EXPECT_EQ(s["faults"]["tokens_expired"], 1);
    EXPECT_EQ(s["tokens_issued"], 2) << "exactly one new token after the 401";
}

TEST_F(OdataSyncTest, RetriesThrottlingErrorsAndTimeoutsWithinRateLimits) {
    // The server allows 40 requests a minute; the agent is configured below that.
    start({"--rate-limit", "40/min"});
    auto source = p21_source(sim_->origin());
    source["requests_per_minute"] = 35;
    source["timeout"] = "1s";
    auto config = load_config(dir_.path(), agent_json(dir_ / "state", source, {inv_mast_entity()}));
    std::filesystem::create_directories(config.state_dir);
    auto store = StateDb::open(config.state_db());
    ASSERT_TRUE(store);
    post("/__admin/faults", {{"force_429", 2},
                             {"retry_after_s", 1},
                             {"error_every", 4},
                             {"stall_page", 5},
                             {"stall_ms", 2500}});
    auto started = std::chrono::steady_clock::now();
    auto report = sync(config, *store);
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(report.problems()) << run_of(report, "inv_mast").error;
    EXPECT_EQ(run_of(report, "inv_mast").counts.inserted, 1500);
    auto s = stats();
    EXPECT_EQ(s["faults"]["forced_429"], 2);
    EXPECT_GE(s["faults"]["errors_500"].get<int>(), 1);
    EXPECT_EQ(s["faults"]["stalled"], 1);
    EXPECT_EQ(s["faults"]["rate_limited_429"], 0) << "the agent kept under the server's limit";
    EXPECT_GE(took, std::chrono::seconds(2)) << "Retry-After: 1 was honoured twice";
    expect_matches_fresh_read(config, *store, {"inv_mast"});
}

TEST_F(OdataSyncTest, TruncatedPageFailsWithoutAdvancingTheWatermarkOrDeleting) {
    start();
    auto config = load_config(
        dir_.path(), agent_json(dir_ / "state", p21_source(sim_->origin()), {inv_mast_entity()}));
    std::filesystem::create_directories(config.state_dir);
    auto store = StateDb::open(config.state_db());
    ASSERT_TRUE(store);
    ASSERT_FALSE(sync(config, *store).problems());
    auto before = store->entity("inv_mast");
    ASSERT_TRUE(before && before->watermark);

    advance(60);
    post("/__admin/table/inv_mast/update", {{"count", 20}});
    post("/__admin/table/inv_mast/delete", {{"count", 10}});
    post("/__admin/faults", {{"truncate_page", 3}});
    auto report = sync(config, *store, /*full=*/true);
    const auto& run = run_of(report, "inv_mast");
    EXPECT_EQ(run.status, RunStatus::failed);
    EXPECT_NE(run.error.find("cut short"), std::string::npos) << run.error;
    EXPECT_EQ(run.counts.deleted, 0);
    EXPECT_EQ(stats()["faults"]["truncated"], 1);
    auto after = store->entity("inv_mast");
    EXPECT_EQ(after->watermark, before->watermark);
    EXPECT_EQ(after->row_count, 1500) << "nothing deleted after a partial read";

    // The next run reads everything again and converges.
    auto retry = sync(config, *store, /*full=*/true);
    ASSERT_FALSE(retry.problems());
    EXPECT_EQ(run_of(retry, "inv_mast").counts.deleted, 10);
    EXPECT_NE(store->entity("inv_mast")->watermark, before->watermark);
}

TEST_F(OdataSyncTest, DeniedTableFailsThatEntityWithTheServersMessage) {
    start({"--deny-table", "item_uom"});
    auto config = load_config(dir_.path(), agent_json(dir_ / "state", p21_source(sim_->origin()),
                                                      {inv_mast_entity(), item_uom_entity()}));
    std::filesystem::create_directories(config.state_dir);
    auto store = StateDb::open(config.state_db());
    ASSERT_TRUE(store);
    auto report = sync(config, *store);
    EXPECT_EQ(run_of(report, "inv_mast").status, RunStatus::succeeded);
    const auto& denied = run_of(report, "item_uom");
    EXPECT_EQ(denied.status, RunStatus::failed);
    EXPECT_NE(denied.error.find("You are not authorized to access API"), std::string::npos)
        << denied.error;
}

TEST_F(OdataSyncTest, FollowsServerNextLinksAndSurvivesSilentlyCappedPages) {
    for (auto extra : {std::vector<std::string>{"--paging", "nextlink", "--page-size", "170"},
                       std::vector<std::string>{"--max-page-size", "90"}}) {
        start(extra);
        TempDir state;
        auto config = load_config(
            state.path(),
            agent_json(state / "state", p21_source(sim_->origin()), {inv_mast_entity()}));
        std::filesystem::create_directories(config.state_dir);
        auto store = StateDb::open(config.state_db());
        ASSERT_TRUE(store);
        auto report = sync(config, *store);
        ASSERT_FALSE(report.problems()) << run_of(report, "inv_mast").error;
        EXPECT_EQ(run_of(report, "inv_mast").counts.inserted, 1500) << extra[0];
        EXPECT_EQ(run_of(report, "inv_mast").counts.failed, 0) << extra[0];
        sim_->stop();
    }
}

TEST_F(OdataSyncTest, TestConnectionReportsEachStepAndPermissionProblems) {
    start({"--deny-table", "item_uom"});
    auto config = load_config(dir_.path(), agent_json(dir_ / "state", p21_source(sim_->origin()),
                                                      {inv_mast_entity(), item_uom_entity()}));
    auto results = odata::check_source(config, *config.find_source("p21"), nullptr);
    ASSERT_EQ(results.size(), 5u);
    EXPECT_EQ(results[0].step, "p21 dns");
    EXPECT_EQ(results[2].step, "p21 token");
    for (int i : {0, 1, 2, 3}) {
        EXPECT_TRUE(results[i].pass) << results[i].step << ": " << results[i].detail;
    }
    EXPECT_EQ(results[4].step, "p21 item_uom");
    EXPECT_FALSE(results[4].pass);
    EXPECT_NE(results[4].detail.find("Allow OData API Service"), std::string::npos)
        << results[4].detail;
    EXPECT_EQ(stats()["requests"]["/odataservice/odata/table/inv_mast"], 1) << "one $top=1 read";

    ::setenv("CS_ODATA_TEST_PASSWORD", "wrong", 1);
    auto bad = odata::check_source(config, *config.find_source("p21"), nullptr);
    ASSERT_EQ(bad.size(), 3u);
    EXPECT_FALSE(bad[2].pass);
    EXPECT_NE(bad[2].detail.find("Invalid username or password"), std::string::npos)
        << bad[2].detail;
    EXPECT_EQ(bad[2].detail.find("wrong"), std::string::npos) << "the password never shows";
}

TEST_F(OdataSyncTest, SyncsAGenericODataV4ServiceWithRelativeNextLinks) {
    start();
    nlohmann::json source = {{"type", "odata"},
                             {"base_url", sim_->origin() + "/generic/v4"},
                             {"auth", "none"},
                             {"paging", "server"},
                             {"time_zone", "UTC"}};
    nlohmann::json products = {
        {"name", "products"},
        {"source", "p21"},
        {"odata", {{"entity_set", "Products"}, {"modified_column", "ModifiedAt"}}},
        {"key", {"sku"}},
        {"fields",
         {{{"name", "sku"}, {"from", "Sku"}},
          {{"name", "name"}, {"from", "Name"}},
          {{"name", "list_price"}, {"from", "ListPrice"}, {"type", "decimal"}},
          {{"name", "discontinued"}, {"from", "Discontinued"}, {"type", "boolean"}},
          {{"name", "modified_at"}, {"from", "ModifiedAt"}, {"type", "timestamp"}}}}};
    auto config = load_config(dir_.path(), agent_json(dir_ / "state", source, {products}));
    std::filesystem::create_directories(config.state_dir);
    auto store = StateDb::open(config.state_db());
    ASSERT_TRUE(store);
    auto first = sync(config, *store);
    ASSERT_FALSE(first.problems()) << run_of(first, "products").error;
    EXPECT_EQ(run_of(first, "products").counts.inserted, 1500);
    EXPECT_GE(stats()["pages_served"].get<int>(), 5) << "1500 rows in pages of 300";

    advance(60);
    post("/__admin/table/inv_mast/update", {{"count", 12}});
    auto second = sync(config, *store);
    ASSERT_FALSE(second.problems()) << run_of(second, "products").error;
    EXPECT_EQ(run_of(second, "products").mode, "incremental");
    EXPECT_EQ(run_of(second, "products").counts.updated, 12);
    expect_matches_fresh_read(config, *store, {"products"});
}

}  // namespace
}  // namespace cs::agent::testing

// Long full reads stopped between pages (a window closing, a shutdown) and
// continued from the saved cursor converge to what one uninterrupted read gives.
#include <atomic>
#include <cstdlib>

#include <gtest/gtest.h>

#include "agent/source/odata/read_cursor.hpp"
#include "agent/sync/odata_sync.hpp"
#include "agent/sync/sync_runner.hpp"
#include "tests/agent/agent_test_support.hpp"
#include "tests/integration/odata/odata_harness.hpp"

namespace cs::agent::testing {
namespace {

using p21sim::testing::SimProcess;

class OdataResumeTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("CS_ODATA_TEST_PASSWORD", "pw", 1);
        // The simulator's clock starts at the real time, like a real server's:
        // the watermark of a load is compared with the agent's clock.
        sim_ = std::make_unique<SimProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--rows", "inv_mast=3000",
                                     "--clock", "now", "--freeze-clock"});
        ASSERT_TRUE(sim_->started());
        auto source = p21_source(sim_->origin());
        source["page_size"] = 100;
        config_ = load_config(dir_.path(), agent_json(dir_ / "state", source, {inv_mast_entity()}));
        std::filesystem::create_directories(config_.state_dir);
    }

    nlohmann::json post(const std::string& path, const nlohmann::json& body) {
        return admin(sim_->origin(), "POST", path, body);
    }
    void advance(int seconds) { post("/__admin/clock", {{"advance_seconds", seconds}}); }

    // One segment of the load; `pause` is asked before every page.
    std::vector<RunRecord> segment(StateDb& store, std::function<bool()> pause,
                                   const std::atomic<bool>* stop = nullptr) {
        auto client = odata::OdataClient::open(*config_.find_source("p21"), nullptr);
        EXPECT_TRUE(client);
        auto runs = odata::sync_odata_entity(store, *config_.find_entity("inv_mast"), **client,
                                             {false, false, false, stop, std::move(pause)});
        EXPECT_TRUE(runs) << (runs ? "" : runs.error().message);
        return runs ? std::move(*runs) : std::vector<RunRecord>{};
    }

    static std::optional<std::string> cursor_of(StateDb& store) {
        auto record = store.entity("inv_mast");
        return record ? record->cursor : std::nullopt;
    }

    // A pause that lets `pages` pages through, then closes the window.
    static std::function<bool()> after_pages(int pages) {
        auto asked = std::make_shared<int>(0);
        // sync_odata_entity asks once before it starts, then the reader before each page.
        return [asked, pages] { return ++*asked > pages + 1; };
    }

    std::unique_ptr<SimProcess> sim_;
    TempDir dir_;
    AgentConfig config_;
};

TEST_F(OdataResumeTest, InterruptedFullReadResumesAndConvergesToAnUninterruptedRead) {
    auto store = StateDb::open(config_.state_db());
    ASSERT_TRUE(store);

    // Night 1: the window closes after 7 pages.
    auto first = segment(*store, after_pages(7));
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].status, RunStatus::paused);
    EXPECT_EQ(first[0].counts.inserted, 700);
    EXPECT_EQ(first[0].counts.deleted, 0);
    auto cursor = cursor_of(*store);
    ASSERT_TRUE(cursor) << "a stopped full read keeps its position";
    auto decoded = odata::decode_cursor(*cursor);
    ASSERT_TRUE(decoded);
    ASSERT_EQ(decoded->after.size(), 1u);
    EXPECT_EQ(decoded->after[0].text, "700");

    // During the day: rows already read change and disappear, rows are added.
    advance(3600);
    post("/__admin/table/inv_mast/update", {{"keys", {1, 2, 3}}});
    post("/__admin/table/inv_mast/delete", {{"keys", {5, 6, 2500}}});
    post("/__admin/table/inv_mast/insert", {{"count", 5}});

    // Night 2: continues after key 700, never deletes from a partial read.
    auto second = segment(*store, after_pages(10));
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].status, RunStatus::paused);
    EXPECT_EQ(second[0].counts.inserted, 1000);
    EXPECT_EQ(second[0].counts.skipped, 0) << "nothing read twice";
    EXPECT_EQ(second[0].counts.deleted, 0);

    // A row in the part not read yet changes; then a shutdown stops night 3.
    advance(3600);
    post("/__admin/table/inv_mast/update", {{"keys", {2900}}});
    std::atomic<bool> stop{false};
    auto pages = std::make_shared<int>(0);
    auto third = segment(
        *store,
        [pages, &stop] {
            if (++*pages > 4) {
                stop = true;
            }
            return false;
        },
        &stop);
    ASSERT_EQ(third.size(), 1u);
    EXPECT_EQ(third[0].status, RunStatus::paused);
    EXPECT_GT(third[0].counts.inserted, 0);
    EXPECT_EQ(third[0].counts.deleted, 0);

    // Night 4: the rest, then the key sweep decides deletes over every key.
    auto last = segment(*store, [] { return false; });
    ASSERT_EQ(last.size(), 2u);
    EXPECT_EQ(last[0].status, RunStatus::succeeded) << last[0].error;
    EXPECT_EQ(last[0].counts.deleted, 0);
    EXPECT_EQ(last[1].mode, "sweep");
    EXPECT_EQ(last[1].status, RunStatus::succeeded) << last[1].error;
    EXPECT_EQ(last[1].counts.deleted, 2) << "keys 5 and 6 were read on night 1, then deleted";
    EXPECT_FALSE(cursor_of(*store));
    std::int64_t inserted = 0;
    for (const auto* runs : {&first, &second, &third, &last}) {
        inserted += (*runs)[0].counts.inserted;
    }
    EXPECT_EQ(inserted, 3000 - 1 + 5) << "every row once (2500 was deleted before it was read)";

    // The watermark is from before the load: rows changed after night 1 read them come now.
    SyncOptions options;
    auto incremental = sync_entities(config_, *store, options);
    ASSERT_TRUE(incremental) << incremental.error().message;
    ASSERT_FALSE(incremental->runs.empty());
    EXPECT_EQ(incremental->runs[0].mode, "incremental");
    EXPECT_EQ(incremental->runs[0].counts.updated, 3) << "keys 1, 2 and 3";
    EXPECT_EQ(incremental->runs[0].counts.inserted, 0);

    // Exactly what one uninterrupted read of the table gives now.
    TempDir fresh;
    AgentConfig copy = config_;
    copy.state_dir = fresh / "state";
    std::filesystem::create_directories(copy.state_dir);
    auto other = StateDb::open(copy.state_db());
    ASSERT_TRUE(other);
    auto once = sync_entities(copy, *other, options);
    ASSERT_TRUE(once) << once.error().message;
    ASSERT_FALSE(once->problems());
    auto expected = state_of(*other, "inv_mast");
    EXPECT_EQ(expected.size(), 3000u - 3 + 5);
    EXPECT_TRUE(state_of(*store, "inv_mast") == expected);
}

TEST_F(OdataResumeTest, AChangedConfigurationDiscardsTheCursor) {
    auto store = StateDb::open(config_.state_db());
    ASSERT_TRUE(store);
    segment(*store, after_pages(3));
    ASSERT_TRUE(cursor_of(*store));
    auto entity = inv_mast_entity();
    entity["odata"]["filter"] = "delete_flag eq 'N'";
    auto source = p21_source(sim_->origin());
    source["page_size"] = 100;
    config_ = load_config(dir_.path(), agent_json(dir_ / "state", source, {entity}));
    auto runs = segment(*store, [] { return false; });
    ASSERT_FALSE(runs.empty());
    EXPECT_EQ(runs[0].status, RunStatus::succeeded) << runs[0].error;
    EXPECT_EQ(runs.size(), 1u) << "a read from the start decides deletes itself: no sweep";
    EXPECT_FALSE(cursor_of(*store));
}

TEST(ReadCursor, WritesTheFilterForRowsAfterAKey) {
    using odata::KeyValue;
    EXPECT_EQ(*odata::after_key_filter({"inv_mast_uid"}, {KeyValue{CellKind::number, "700"}}),
              "inv_mast_uid gt 700");
    EXPECT_EQ(*odata::after_key_filter({"supplier_id", "part"}, {KeyValue{CellKind::number, "10"},
                                                                 KeyValue{CellKind::text, "A'B"}}),
              "(supplier_id gt 10) or (supplier_id eq 10 and part gt 'A''B')");
    EXPECT_FALSE(odata::after_key_filter({"at"}, {KeyValue{CellKind::datetime, "2025-01-01"}}));
    odata::ReadCursor c{"shape", {KeyValue{CellKind::text, "X/1"}}, 42, 7};
    auto back = odata::decode_cursor(odata::encode_cursor(c));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->shape, "shape");
    EXPECT_EQ(back->after[0].text, "X/1");
    EXPECT_EQ(back->after[0].kind, CellKind::text);
    EXPECT_EQ(back->started_at, 42);
    EXPECT_EQ(back->max_modified, 7);
    EXPECT_FALSE(odata::decode_cursor("{"));
}

}  // namespace
}  // namespace cs::agent::testing

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/wire/codec.hpp"
#include "relay/apply/retention.hpp"
#include "tests/relay/apply/apply_fixture.hpp"

namespace cs::relay::apply {
namespace {

using testing::item_row;
using testing::item_schema;
using testing::SourceModel;

class EngineTest : public ApplyFixture {};

TEST_F(EngineTest, AppliesInsertsUpdatesAndSoftDeletes) {
    SourceModel source("items", item_schema());
    std::uint64_t next = 1;
    for (std::uint64_t i = 0; i < 300; ++i) {
        source.put(item_row(i, 1));
    }
    auto first = source.take_frames(stream_, next, 100);
    for (const auto& f : first) {
        auto o = apply(f);
        EXPECT_EQ(o.verdict, Verdict::applied);
        EXPECT_EQ(o.inserted, 100u);
    }
    for (std::uint64_t i = 0; i < 100; ++i) {
        source.put(item_row(i, 2));                 // update
        source.remove(testing::item_key(100 + i));  // delete
    }
    source.put(item_row(250, 1));  // unchanged: not queued by the source
    auto second = source.take_frames(stream_, next, 1000);
    ASSERT_EQ(second.size(), 1u);
    auto o = apply(second[0]);
    EXPECT_EQ(o.verdict, Verdict::applied);
    EXPECT_EQ(o.updated, 100u);
    EXPECT_EQ(o.deleted, 100u);
    EXPECT_EQ(o.inserted, 0u);
    testing::expect_records_match(*conn_, site_, source);
    testing::expect_ledger(*conn_, site_, stream_, {1, 2, 3, 4});
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log"), "500");
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log WHERE op = 'd' AND sequence = 4"), "100");
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log WHERE op = 'u'"), "100");
    EXPECT_EQ(scalar("SELECT count(*) FROM records WHERE deleted AND last_sequence = 4"), "100");
}

TEST_F(EngineTest, DuplicateIsAcknowledgedWithoutApplyingAgain) {
    SourceModel source("items", item_schema());
    std::uint64_t next = 1;
    for (std::uint64_t i = 0; i < 50; ++i) {
        source.put(item_row(i, 1));
    }
    auto frames = source.take_frames(stream_, next, 50);
    EXPECT_EQ(apply(frames[0]).verdict, Verdict::applied);
    auto changed_at = scalar("SELECT max(last_changed_at) FROM records");
    for (int again = 0; again < 3; ++again) {
        auto o = apply(frames[0]);
        EXPECT_EQ(o.verdict, Verdict::duplicate);
        EXPECT_EQ(o.rows_changed(), 0u);
    }
    // An uncompressed copy of the same content is the same change set.
    auto decoded = wire::decode(frames[0]).value();
    auto plain = wire::encode(decoded.set, {.compress = false}).value();
    EXPECT_EQ(apply(plain).verdict, Verdict::duplicate);
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log"), "50");
    EXPECT_EQ(scalar("SELECT max(last_changed_at) FROM records"), changed_at);
    testing::expect_ledger(*conn_, site_, stream_, {1});
}

TEST_F(EngineTest, ReusedSequenceWithNewContentIsRejectedAndAlerted) {
    SourceModel source("items", item_schema());
    std::uint64_t next = 1;
    source.put(item_row(1, 1));
    auto original = source.take_frames(stream_, next, 10);
    EXPECT_EQ(apply(original[0]).verdict, Verdict::applied);
    next = 1;  // the agent lost its outbox and numbers again from 1
    source.put(item_row(1, 2));
    auto reused = source.take_frames(stream_, next, 10);
    auto o = apply(reused[0]);
    EXPECT_EQ(o.verdict, Verdict::rejected);
    EXPECT_TRUE(o.conflict);
    EXPECT_NE(o.error.find("conflict: sequence 1"), std::string::npos) << o.error;
    EXPECT_EQ(scalar("SELECT kind || '/' || severity || '/' || sequence FROM relay_events"),
              "conflict/alert/1");
    EXPECT_EQ(scalar("SELECT count(*) FROM records WHERE data->>'cost' IS NOT NULL"), "1");
    EXPECT_EQ(scalar("SELECT last_sequence FROM records"), "1");
    auto stored = scalar("SELECT encode(data_hash, 'hex') FROM records");
    EXPECT_NE(stored, source.live().begin()->second.data_hash.to_hex()) << "must not apply";
    testing::expect_ledger(*conn_, site_, stream_, {1});
}

TEST_F(EngineTest, GapsAreAppliedAndCountedButLateSequencesAreRefused) {
    SourceModel source("items", item_schema());
    std::uint64_t next = 1;
    source.put(item_row(1, 1));
    auto s1 = source.take_frames(stream_, next, 10);
    source.put(item_row(2, 1));
    auto s2 = source.take_frames(stream_, next, 10);  // quarantined by the agent
    source.put(item_row(3, 1));
    auto s3 = source.take_frames(stream_, next, 10);
    EXPECT_EQ(apply(s1[0]).verdict, Verdict::applied);
    auto o3 = apply(s3[0]);
    EXPECT_EQ(o3.verdict, Verdict::applied);
    EXPECT_EQ(o3.skipped_sequences, 1u);
    EXPECT_EQ(scalar("SELECT gaps FROM streams"), "1");
    EXPECT_EQ(scalar("SELECT kind FROM relay_events"), "sequence_gap");
    auto late = apply(s2[0]);
    EXPECT_EQ(late.verdict, Verdict::rejected);
    EXPECT_NE(late.error.find("never applied"), std::string::npos) << late.error;
    EXPECT_EQ(scalar("SELECT count(*) FROM relay_events WHERE kind = 'out_of_order'"), "1");
    testing::expect_ledger(*conn_, site_, stream_, {1, 3});
}

TEST_F(EngineTest, BulkInsertOfExistingRowsFallsBackToTheUpsert) {
    SourceModel source("items", item_schema());
    std::uint64_t next = 1;
    for (std::uint64_t i = 0; i < 20; ++i) {
        source.put(item_row(i, 1));
    }
    apply_all(source.take_frames(stream_, next, 100));
    // The agent lost its state store and ships everything again as inserts,
    // half of it changed meanwhile.
    SourceModel again("items", item_schema());
    for (std::uint64_t i = 0; i < 20; ++i) {
        again.put(item_row(i, i < 10 ? 2 : 1));
    }
    auto o = apply(again.take_frames(stream_, next, 100)[0]);
    EXPECT_EQ(o.verdict, Verdict::applied);
    EXPECT_EQ(o.inserted, 0u);
    EXPECT_EQ(o.updated, 10u);
    EXPECT_EQ(o.unchanged, 10u);
    testing::expect_records_match(*conn_, site_, again);
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log"), "30");
}

TEST_F(EngineTest, AStreamBelongsToOneSite) {
    auto other_key = db_->create_site("other");
    auto other = db_->site_ref(other_key);
    SourceModel source("items", item_schema());
    std::uint64_t next = 1;
    source.put(item_row(1, 1));
    auto frames = source.take_frames(stream_, next, 10);
    EXPECT_EQ(apply(frames[0]).verdict, Verdict::applied);
    source.put(item_row(2, 1));
    auto theirs = source.take_frames(stream_, next, 10);
    auto prepared = prepare(theirs[0], {}, other).value();
    auto o = applier_->apply(other, prepared);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::rejected);
    EXPECT_NE(o->error.find("belongs to another site"), std::string::npos);
    EXPECT_EQ(scalar("SELECT count(*) FROM records"), "1");
}

TEST_F(EngineTest, ValuesPostgresRefusesRejectTheSetWithAnAlert) {
    wire::ChangeSet set;
    set.stream_id = stream_;
    set.sequence = 1;
    set.entity = "items";
    set.run_id = "r";
    set.created_at_us = INT64_MAX;  // beyond timestamptz
    set.schema = {{"n", FieldType::integer}};
    wire::Row row;
    row.bk_hash.bytes.fill(1);
    row.values = {Value(std::int64_t{1})};
    set.rows = {row};
    auto o = apply(wire::encode(set).value());
    EXPECT_EQ(o.verdict, Verdict::rejected);
    EXPECT_NE(o.error.find("SQLSTATE 22"), std::string::npos) << o.error;
    EXPECT_EQ(scalar("SELECT count(*) FROM records"), "0");
    EXPECT_EQ(scalar("SELECT kind FROM relay_events"), "rejected");
    EXPECT_EQ(scalar("SELECT count(*) FROM applied_change_sets"), "0");
}

TEST_F(EngineTest, UnpreparableSetsAreRejectedWithAnAlert) {
    FrameIdentity id{stream_, 9};
    auto o = applier_->reject_unprepared(site_, id, make_error(ErrorCode::parse_error, "bad \xff"));
    ASSERT_TRUE(o);
    EXPECT_EQ(o->verdict, Verdict::rejected);
    EXPECT_EQ(scalar("SELECT kind || ':' || sequence FROM relay_events"), "rejected:9");
    EXPECT_NE(scalar("SELECT message FROM relay_events").find("bad \xEF\xBF\xBD"),
              std::string::npos);
}

TEST_F(EngineTest, RetentionPrunesButAVeryLateResendStaysADuplicate) {
    SourceModel source("items", item_schema());
    std::uint64_t next = 1;
    for (std::uint64_t i = 0; i < 30; ++i) {
        source.put(item_row(i, 1));
    }
    auto frames = source.take_frames(stream_, next, 10);
    apply_all(frames);
    scalar(
        "INSERT INTO login_attempts (email, address, succeeded, at) VALUES ('a@x', '1', "
        "false, now() - interval '2 days'), ('b@x', '1', false, now()) RETURNING 1");
    scalar(fmt::format(
        "INSERT INTO site_heartbeats (tenant_id, site_id, minute, beats, last_at) SELECT "
        "'{}', '{}', m, 4, m FROM unnest(ARRAY[now() - interval '3 days', now() - interval '1 "
        "day', now()]) m RETURNING 1",
        site_.tenant_id, site_.site_id));
    // Run reports: two old ones of "items" go; its newest and the only (old) one
    // of "prices" stay, so every entity still shows its last run.
    scalar(fmt::format(
        "INSERT INTO sync_runs (tenant_id, site_id, run_id, entity, status, report, received_at) "
        "SELECT '{}', '{}', r, e, 'ok', '{{}}', now() - d * interval '1 day' FROM (VALUES ('r1', "
        "'items', 200), ('r2', 'items', 100), ('r3', 'items', 1), ('r1', 'prices', 200)) v(r, e, "
        "d) RETURNING 1",
        site_.tenant_id, site_.site_id));
    auto report = prune(*conn_, {.change_log = std::chrono::milliseconds(0),
                                 .applied_change_sets = std::chrono::milliseconds(0),
                                 .events = std::chrono::milliseconds(0),
                                 .heartbeats = std::chrono::hours(48),
                                 .sync_runs = std::chrono::hours(24 * 90),
                                 .batch_rows = 7});
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->change_log, 30u);
    EXPECT_EQ(report->applied_change_sets, 3u);
    EXPECT_EQ(scalar("SELECT count(*) FROM applied_change_sets"), "0");
    EXPECT_EQ(scalar("SELECT pruned_through FROM streams"), "3");
    EXPECT_EQ(apply(frames[1]).verdict, Verdict::duplicate);
    EXPECT_EQ(scalar("SELECT count(*) FROM records"), "30");
    // Login attempts outlive the throttling window by a day, no more.
    EXPECT_EQ(report->accounts, 1u);
    EXPECT_EQ(scalar("SELECT string_agg(email, ',') FROM login_attempts"), "b@x");
    // Heartbeat history older than its window goes; the rest stays.
    EXPECT_EQ(report->heartbeats, 1u);
    EXPECT_EQ(scalar("SELECT count(*) FROM site_heartbeats WHERE minute > now() - interval '2 "
                     "days'"),
              "2");
    EXPECT_EQ(scalar("SELECT count(*) FROM site_heartbeats"), "2");
    EXPECT_EQ(report->sync_runs, 2u);
    EXPECT_EQ(scalar("SELECT string_agg(entity || ':' || run_id, ',' ORDER BY entity) FROM "
                     "sync_runs"),
              "items:r3,prices:r1");
}

}  // namespace
}  // namespace cs::relay::apply

#include "agent/delta/delta_writer.hpp"

#include <functional>
#include <map>

#include <gtest/gtest.h>

#include "common/wire/codec.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

// Rows are (id, price); the business key is id.
class DeltaWriterTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = std::make_unique<StateDb>(StateDb::open(dir_ / "state.db").value());
        spec_.fields = {{"id", FieldType::string}, {"price", FieldType::decimal}};
        spec_.key = {0};
    }

    // Runs one full read of `rows` (id -> price) and returns the run.
    RunRecord sync(const std::vector<std::pair<std::string, std::string>>& rows,
                   DeltaOptions options = {}, bool complete = true) {
        options.snapshot_dir = snapshot_dir_;
        RunRecord run;
        run.run_id = "run-" + std::to_string(++runs_);
        run.entity = "items";
        run.source = "items.csv";
        auto entity = store_->entity("items").value();
        auto writer = DeltaWriter::begin(*store_, entity, spec_, run, options);
        EXPECT_TRUE(writer) << writer.error().message;
        const RawRowSet& set = (*writer)->raw_rows();
        known_ = [&set](const Hash128& h) { return set.find(h); };
        Identity identity(spec_);
        RawBatch raw;
        raw.set_columns({"id", "price"});
        std::vector<HashedRow> hashed;
        for (const auto& [id, price] : rows) {
            raw.begin_row({.record = raw.size() + 1});
            raw.add_cell(CellKind::text, id);
            raw.add_cell(CellKind::text, price);
            raw.end_row(id + "," + price);
            HashedRow h;
            h.raw_index = raw.size() - 1;
            h.raw_hash = xxh3_128(id + "," + price, 1);
            // As the pipeline's workers do: rows whose bytes the state knows are not
            // normalized again.
            h.known_entry = known_ != nullptr ? known_(h.raw_hash) : KeyIndex::kNone;
            if (h.known_entry == KeyIndex::kNone) {
                h.values = {Value(id), Value(Decimal::parse(price).value())};
                EXPECT_TRUE(identity.compute(h));
            } else {
                ++raw_skips_;
            }
            hashed.push_back(std::move(h));
        }
        run.counts.validated = static_cast<std::int64_t>(rows.size());
        EXPECT_TRUE((*writer)->add(hashed, raw, {}));
        EXPECT_TRUE((*writer)->finish(complete));
        refused_ = (*writer)->refused();
        known_ = nullptr;
        return run;
    }

    // Everything in the outbox, decoded: sequence -> change set.
    std::map<std::uint64_t, wire::ChangeSet> outbox() {
        std::map<std::uint64_t, wire::ChangeSet> out;
        for (auto& e : Outbox(store_->db()).pending(0, 1000).value()) {
            auto decoded = wire::decode(e.frame);
            EXPECT_TRUE(decoded) << decoded.error().message;
            EXPECT_EQ(decoded->set.sequence, e.sequence);
            out[e.sequence] = decoded->set;
        }
        return out;
    }

    std::int64_t state_rows() {
        auto s = store_->db().prepare("SELECT count(*) FROM state_1").value();
        EXPECT_TRUE(s.step().value());
        return s.column_int(0);
    }

    testing::TempDir dir_;
    std::unique_ptr<StateDb> store_;
    IdentitySpec spec_;
    int runs_ = 0;
    bool refused_ = false;
    std::filesystem::path snapshot_dir_;
    std::function<std::uint32_t(const Hash128&)> known_;
    int raw_skips_ = 0;
};

TEST_F(DeltaWriterTest, FirstSyncInsertsEverythingIntoOneChangeSet) {
    auto run = sync({{"A", "1.00"}, {"B", "2.50"}, {"C", "3"}});
    EXPECT_EQ(run.counts.inserted, 3);
    EXPECT_EQ(run.first_sequence, 1u);
    EXPECT_EQ(run.last_sequence, 1u);
    auto sets = outbox();
    ASSERT_EQ(sets.size(), 1u);
    const auto& set = sets.at(1);
    EXPECT_EQ(set.entity, "items");
    EXPECT_EQ(set.stream_id, store_->stream_id());
    ASSERT_EQ(set.rows.size(), 3u);
    EXPECT_EQ(set.rows[1].op, wire::Op::insert);
    EXPECT_EQ(set.rows[1].values[0], Value("B"));
    EXPECT_EQ(state_rows(), 3);
    EXPECT_EQ(store_->find_entity("items").value()->row_count, 3);
}

TEST_F(DeltaWriterTest, ResyncSkipsUnchangedUpdatesChangedDeletesMissing) {
    sync({{"A", "1.00"}, {"B", "2.50"}, {"C", "3"}, {"D", "4"}});
    // 2.50 -> 2.5 is the same amount: the data hash does not change.
    auto run = sync({{"A", "1.00"}, {"B", "2.5"}, {"C", "3.01"}, {"E", "5"}});
    EXPECT_EQ(run.counts.skipped, 2);
    EXPECT_EQ(run.counts.updated, 1);
    EXPECT_EQ(run.counts.inserted, 1);
    EXPECT_EQ(run.counts.deleted, 1);
    auto sets = outbox();
    ASSERT_EQ(sets.size(), 2u);
    std::map<wire::Op, int> ops;
    for (const auto& row : sets.at(2).rows) {
        ++ops[row.op];
    }
    EXPECT_EQ(ops[wire::Op::update], 1);
    EXPECT_EQ(ops[wire::Op::insert], 1);
    EXPECT_EQ(ops[wire::Op::remove], 1);
    EXPECT_EQ(state_rows(), 4);

    auto third = sync({{"A", "1.00"}, {"B", "2.5"}, {"C", "3.01"}, {"E", "5"}});
    EXPECT_EQ(third.counts.skipped, 4);
    EXPECT_FALSE(third.first_sequence);  // nothing changed, nothing sent
    EXPECT_EQ(outbox().size(), 2u);
}

TEST_F(DeltaWriterTest, PartialReadNeverDeletes) {
    sync({{"A", "1"}, {"B", "2"}, {"C", "3"}});
    auto run = sync({{"A", "1"}}, {}, /*complete=*/false);
    EXPECT_EQ(run.counts.deleted, 0);
    EXPECT_EQ(state_rows(), 3);
}

TEST_F(DeltaWriterTest, DeleteGuardRefusesLargeDeletesUnlessForced) {
    sync({{"A", "1"}, {"B", "2"}, {"C", "3"}, {"D", "4"}});
    auto refused = sync({{"A", "1"}});  // would delete 75%
    EXPECT_TRUE(refused_);
    EXPECT_EQ(refused.counts.deleted, 0);
    EXPECT_NE(refused.error.find("3 of 4"), std::string::npos) << refused.error;
    EXPECT_NE(refused.error.find("--force"), std::string::npos);
    EXPECT_EQ(state_rows(), 4);

    auto half = sync({{"A", "1"}, {"B", "2"}});  // exactly 50% is allowed
    EXPECT_FALSE(refused_);
    EXPECT_EQ(half.counts.deleted, 2);

    DeltaOptions force;
    force.force = true;
    auto forced = sync({}, force);
    EXPECT_FALSE(refused_);
    EXPECT_EQ(forced.counts.deleted, 2);
    EXPECT_EQ(state_rows(), 0);
}

TEST_F(DeltaWriterTest, DuplicateKeysFailAndTheFirstOccurrenceWins) {
    auto run = sync({{"A", "1"}, {"B", "2"}, {"A", "9"}});
    EXPECT_EQ(run.counts.inserted, 2);
    EXPECT_EQ(run.counts.failed, 1);
    auto failed = FailedRowStore(store_->db()).list({}).value();
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].raw, "A,9");
    EXPECT_EQ(failed[0].location.record, 3u);
    EXPECT_NE(failed[0].error.find("duplicate business key"), std::string::npos);
    auto sets = outbox();
    EXPECT_EQ(sets.at(1).rows[0].values[1], Value(Decimal::parse("1").value()));
}

TEST_F(DeltaWriterTest, LargeReadsSplitIntoNumberedChangeSets) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (int i = 0; i < 2500; ++i) {
        rows.emplace_back("K" + std::to_string(i), std::to_string(i));
    }
    DeltaOptions options;
    options.max_rows_per_set = 1000;
    auto run = sync(rows, options);
    EXPECT_EQ(run.first_sequence, 1u);
    EXPECT_EQ(run.last_sequence, 3u);
    auto sets = outbox();
    ASSERT_EQ(sets.size(), 3u);
    EXPECT_EQ(sets.at(1).rows.size(), 1000u);
    EXPECT_EQ(sets.at(3).rows.size(), 500u);
}

TEST_F(DeltaWriterTest, AbandonedRunsKeepCommittedSetsOnly) {
    RunRecord run;
    run.run_id = "r";
    run.entity = "items";
    auto entity = store_->entity("items").value();
    DeltaOptions options;
    options.max_rows_per_set = 2;
    options.sets_per_commit = 1;
    auto writer = DeltaWriter::begin(*store_, entity, spec_, run, options).value();
    Identity identity(spec_);
    RawBatch raw;
    std::vector<HashedRow> rows(3);
    for (int i = 0; i < 3; ++i) {
        rows[i].values = {Value("K" + std::to_string(i)), Value(Decimal::from_int(i))};
        ASSERT_TRUE(identity.compute(rows[i]));
        raw.begin_row({});
        raw.end_row("");
        rows[i].raw_index = static_cast<std::size_t>(i);
    }
    ASSERT_TRUE(writer->add(rows, raw, {}));
    writer->abandon();  // the third row's set was never committed
    EXPECT_EQ(state_rows(), 2);
    EXPECT_EQ(outbox().size(), 1u);
    // The sequence of the abandoned set was never committed, so it is free again.
    EXPECT_EQ(store_->peek_next_sequence().value(), 2u);
}

TEST_F(DeltaWriterTest, ByteIdenticalRowsSkipNormalizationAndStillCount) {
    sync({{"A", "1.00"}, {"B", "2.50"}, {"C", "3"}});
    EXPECT_EQ(raw_skips_, 0);
    auto again = sync({{"A", "1.00"}, {"B", "2.5"}, {"C", "3"}, {"C", "3"}});
    // A and the first C match their stored bytes; B is new text for the same data;
    // the second C is a duplicate even though its bytes are known.
    EXPECT_EQ(raw_skips_, 3);
    EXPECT_EQ(again.counts.skipped, 3);
    EXPECT_EQ(again.counts.failed, 1);
    EXPECT_FALSE(again.first_sequence);
    // B's new bytes were remembered: now every row is skipped without normalizing.
    raw_skips_ = 0;
    auto third = sync({{"A", "1.00"}, {"B", "2.5"}, {"C", "3"}});
    EXPECT_EQ(raw_skips_, 3);
    EXPECT_EQ(third.counts.skipped, 3);
}

TEST_F(DeltaWriterTest, TheSavedIndexGivesTheSameAnswersAsTheStateTable) {
    snapshot_dir_ = dir_ / "index";
    sync({{"A", "1"}, {"B", "2"}, {"C", "3"}, {"D", "4"}});
    EXPECT_TRUE(std::filesystem::exists(snapshot_dir_ / "entity-1.idx"));
    auto second = sync({{"A", "1"}, {"B", "9"}, {"C", "3"}, {"E", "5"}});
    EXPECT_EQ(second.counts.updated, 1);
    EXPECT_EQ(second.counts.inserted, 1);
    EXPECT_EQ(second.counts.deleted, 1);
    // A snapshot older than the state must be ignored: break it on purpose by
    // rolling the version back, and the writer falls back to the table.
    ASSERT_TRUE(store_->db().exec("UPDATE entities SET state_version = state_version + 100"));
    auto third = sync({{"A", "1"}, {"B", "9"}, {"C", "3"}, {"E", "5"}});
    EXPECT_EQ(third.counts.skipped, 4);
    EXPECT_EQ(third.counts.deleted, 0);
    EXPECT_FALSE(third.first_sequence);
}

}  // namespace
}  // namespace cs::agent

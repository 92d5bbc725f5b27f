#include "agent/store/state_db.hpp"

#include <gtest/gtest.h>

#include "common/uuid/uuid.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

TEST(StateDbTest, CreatesAStreamOnceAndKeepsIt) {
    testing::TempDir dir;
    std::string stream;
    {
        auto db = StateDb::open(dir / "state.db");
        ASSERT_TRUE(db) << db.error().message;
        stream = db->stream_id();
        EXPECT_EQ(Uuid::parse(stream).value().version(), 7);
    }
    auto again = StateDb::open(dir / "state.db");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->stream_id(), stream);
}

TEST(StateDbTest, SequencesAreNeverReusedEvenWhenATransactionRollsBack) {
    testing::TempDir dir;
    auto db = StateDb::open(dir / "state.db").value();
    ASSERT_TRUE(db.db().begin());
    EXPECT_EQ(db.allocate_sequence().value(), 1u);
    EXPECT_EQ(db.allocate_sequence().value(), 2u);
    ASSERT_TRUE(db.db().commit());
    // A rolled-back allocation was never used by anything durable, so handing the
    // number out again is safe: nothing with that number was ever committed.
    ASSERT_TRUE(db.db().begin());
    EXPECT_EQ(db.allocate_sequence().value(), 3u);
    ASSERT_TRUE(db.db().rollback());
    ASSERT_TRUE(db.db().begin());
    EXPECT_EQ(db.allocate_sequence().value(), 3u);
    ASSERT_TRUE(db.db().commit());
    auto reopened = StateDb::open(dir / "state.db").value();
    EXPECT_EQ(reopened.peek_next_sequence().value(), 4u);
}

TEST(StateDbTest, EntitiesGetTheirOwnStateTableAndBookkeeping) {
    testing::TempDir dir;
    auto db = StateDb::open(dir / "state.db").value();
    auto a = db.entity("inv_mast").value();
    auto b = db.entity("supplier").value();
    EXPECT_NE(a.entity_id, b.entity_id);
    EXPECT_EQ(db.entity("inv_mast").value().entity_id, a.entity_id);
    ASSERT_TRUE(db.set_row_count(a.entity_id, 42));
    ASSERT_TRUE(db.set_watermark(a.entity_id, std::string("2026-11-22T10:00:00")));
    auto found = db.find_entity("inv_mast").value();
    ASSERT_TRUE(found);
    EXPECT_EQ(found->row_count, 42);
    EXPECT_EQ(found->watermark, "2026-11-22T10:00:00");
    EXPECT_FALSE(db.find_entity("customer").value());
    EXPECT_TRUE(db.db().exec("SELECT count(*) FROM " + StateDb::state_table(b.entity_id)));
}

// processed_at has microsecond resolution: let the clock move on between files.
void next_microsecond() {
    for (auto start = now_micros(); now_micros() == start;) {
    }
}

TEST(StateDbTest, RemembersTheLastFileProcessedPerEntity) {
    testing::TempDir dir;
    auto db = StateDb::open(dir / "state.db").value();
    EXPECT_FALSE(db.last_processed_fingerprint("inv_mast").value());
    ASSERT_TRUE(db.remember_processed_file("inv_mast", "aaaa:cfg", "items-1.csv", 10, "run-1"));
    next_microsecond();
    ASSERT_TRUE(db.remember_processed_file("supplier", "cccc:cfg", "suppliers.csv", 5, "run-2"));
    EXPECT_EQ(db.last_processed_fingerprint("inv_mast").value(), "aaaa:cfg");
    EXPECT_EQ(db.last_processed_fingerprint("supplier").value(), "cccc:cfg");
    next_microsecond();
    ASSERT_TRUE(db.remember_processed_file("inv_mast", "bbbb:cfg", "items-2.csv", 12, "run-3"));
    EXPECT_EQ(db.last_processed_fingerprint("inv_mast").value(), "bbbb:cfg");
    // The first content dropped again is the latest once more.
    next_microsecond();
    ASSERT_TRUE(db.remember_processed_file("inv_mast", "aaaa:cfg", "items-3.csv", 10, "run-4"));
    EXPECT_EQ(db.last_processed_fingerprint("inv_mast").value(), "aaaa:cfg");
}

TEST(StateDbTest, RefusesAStoreFromANewerAgent) {
    testing::TempDir dir;
    {
        auto db = StateDb::open(dir / "state.db").value();
        ASSERT_TRUE(db.db().exec("PRAGMA user_version = 99"));
    }
    auto db = StateDb::open(dir / "state.db");
    ASSERT_FALSE(db);
    EXPECT_NE(db.error().message.find("newer"), std::string::npos);
}

}  // namespace
}  // namespace cs::agent

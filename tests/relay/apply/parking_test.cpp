#include <gtest/gtest.h>

#include "tests/relay/apply/apply_fixture.hpp"

namespace cs::relay::apply {
namespace {

using testing::item_key;
using testing::item_row;
using testing::item_schema;
using testing::SourceModel;

class ParkingTest : public ApplyFixture {
protected:
    SourceModel parents_{"orders", item_schema()};
    SourceModel children_{"order_lines", item_schema(), "orders"};
    std::uint64_t next_ = 1;

    // Child c belongs to parent c % 10.
    void put_child(std::uint64_t c, std::uint64_t version) {
        children_.put(item_row(1000 + c, version), item_key(c % 10));
    }
    ApplyOutcome ship(SourceModel& model) {
        auto frames = model.take_frames(stream_, next_, 100'000);
        EXPECT_EQ(frames.size(), 1u);
        return apply(frames.at(0));
    }
};

TEST_F(ParkingTest, ChildrenWaitForTheirParentsAndFollowThem) {
    for (std::uint64_t c = 0; c < 40; ++c) {
        put_child(c, 1);
    }
    auto parked = ship(children_);
    EXPECT_EQ(parked.verdict, Verdict::applied);
    EXPECT_EQ(parked.parked, 40u);
    EXPECT_EQ(parked.inserted, 0u);
    EXPECT_EQ(scalar("SELECT count(*) FROM pending_children"), "40");
    EXPECT_EQ(scalar("SELECT count(*) FROM records WHERE entity = 'order_lines'"), "0");

    for (std::uint64_t p = 0; p < 5; ++p) {  // half of the parents arrive
        parents_.put(item_row(p, 1));
    }
    auto half = ship(parents_);
    EXPECT_EQ(half.inserted, 5u);
    EXPECT_EQ(half.released, 20u);
    EXPECT_EQ(scalar("SELECT count(*) FROM pending_children"), "20");

    put_child(7, 2);  // newer version of a child that is still parked
    auto newer = ship(children_);
    EXPECT_EQ(newer.parked, 1u);
    EXPECT_EQ(scalar("SELECT count(*) FROM pending_children"), "20");

    put_child(1, 2);  // child of a present parent: applied directly
    EXPECT_EQ(ship(children_).updated, 1u);

    for (std::uint64_t p = 5; p < 10; ++p) {
        parents_.put(item_row(p, 1));
    }
    auto rest = ship(parents_);
    EXPECT_EQ(rest.released, 20u);
    EXPECT_EQ(scalar("SELECT count(*) FROM pending_children"), "0");
    testing::expect_records_match(*conn_, site_, parents_);
    testing::expect_records_match(*conn_, site_, children_);  // child 7 at version 2
    EXPECT_EQ(scalar("SELECT count(*) FROM change_log WHERE entity = 'order_lines'"), "41");
}

TEST_F(ParkingTest, AChildOfADeletedParentIsParkedAndARemoveDropsIt) {
    parents_.put(item_row(3, 1));
    ship(parents_);
    put_child(3, 1);
    put_child(13, 1);
    EXPECT_EQ(ship(children_).inserted, 2u);
    parents_.remove(item_key(3));
    EXPECT_EQ(ship(parents_).deleted, 1u);
    put_child(3, 2);
    EXPECT_EQ(ship(children_).parked, 1u);
    children_.remove(item_key(1013));  // removing child 13 needs no parent
    auto removed = ship(children_);
    EXPECT_EQ(removed.deleted, 1u);
    EXPECT_EQ(scalar("SELECT count(*) FROM pending_children"), "1");
    children_.remove(item_key(1003));  // the parked child is removed at the source
    ship(children_);
    EXPECT_EQ(scalar("SELECT count(*) FROM pending_children"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM records WHERE entity = 'order_lines' AND deleted"), "2");
}

TEST_F(ParkingTest, ThePeriodicRetryReleasesChildrenWhoseParentAppeared) {
    put_child(4, 1);
    EXPECT_EQ(ship(children_).parked, 1u);
    auto none = applier_->release_pending(site_);
    ASSERT_TRUE(none);
    EXPECT_EQ(*none, 0u);
    EXPECT_TRUE(applier_->has_pending(site_).value());
    // The parent arrives by a path that does not trigger the release itself.
    parents_.put(item_row(4, 1));
    auto parent = parents_.live().begin();
    ASSERT_TRUE(conn_->query(
        "insert parent",
        "INSERT INTO records (tenant_id, site_id, entity, bk_hash, data, data_hash, last_sequence) "
        "VALUES ($1::uuid, $2::uuid, 'orders', $3, '{}', $4, 0)",
        db::Params()
            .text(site_.tenant_id)
            .text(site_.site_id)
            .bytea(std::string(reinterpret_cast<const char*>(parent->first.bytes.data()), 16))
            .bytea(std::string(16, 'x'))));
    auto released = applier_->release_pending(site_);
    ASSERT_TRUE(released) << released.error().message;
    EXPECT_EQ(*released, 1u);
    EXPECT_FALSE(applier_->has_pending(site_).value());
    testing::expect_records_match(*conn_, site_, children_);
}

}  // namespace
}  // namespace cs::relay::apply

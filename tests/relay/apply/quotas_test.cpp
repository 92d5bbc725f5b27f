// The Applier's per-site quotas (relay/apply/quotas.hpp) on their own: which
// entities and streams count, and that a refusal leaves nothing behind.
#include <gtest/gtest.h>

#include "tests/relay/apply/apply_fixture.hpp"

namespace cs::relay::apply {
namespace {

using testing::item_key;
using testing::item_row;
using testing::item_schema;
using testing::SourceModel;

class QuotasTest : public ApplyFixture {
protected:
    void SetUp() override {
        ApplyFixture::SetUp();
        if (!IsSkipped()) {
            applier_ = std::make_unique<Applier>(*conn_, SiteQuotas{3, 2});
        }
    }

    // One set of `rows` new rows of `model` on `stream` (numbered by `next`).
    Expected<ApplyOutcome> ship(SourceModel& model, const std::string& stream, std::uint64_t& next,
                                std::uint64_t first, std::uint64_t rows = 5) {
        for (std::uint64_t i = first; i < first + rows; ++i) {
            model.put(item_row(i, 1));
        }
        auto frames = model.take_frames(stream, next, 100'000);
        EXPECT_EQ(frames.size(), 1u);
        auto prepared = prepare(frames.at(0), {}, site_);
        EXPECT_TRUE(prepared) << prepared.error().message;
        return applier_->apply(site_, *prepared);
    }
};

TEST_F(QuotasTest, ParkedEntitiesCountAndARefusedEntityLeavesNothingBehind) {
    std::uint64_t next = 1;
    SourceModel items("items", item_schema());
    SourceModel prices("prices", item_schema());
    // Children whose parents never came: parked, and an entity of the site.
    SourceModel lines("order_lines", item_schema(), "orders");
    lines.put(item_row(1000, 1), item_key(1));
    auto frames = lines.take_frames(stream_, next, 100);
    auto parked = applier_->apply(site_, *prepare(frames.at(0), {}, site_));
    ASSERT_TRUE(parked) << parked.error().message;
    EXPECT_EQ(parked->parked, 1u);
    EXPECT_EQ(ship(items, stream_, next, 0)->verdict, Verdict::applied);
    EXPECT_EQ(ship(prices, stream_, next, 0)->verdict, Verdict::applied);

    SourceModel contracts("contracts", item_schema());
    auto refused = ship(contracts, stream_, next, 0);
    ASSERT_TRUE(refused) << refused.error().message;
    EXPECT_EQ(refused->verdict, Verdict::rejected);
    EXPECT_TRUE(refused->over_quota);
    EXPECT_NE(refused->error.find("limits.max_entities_per_site"), std::string::npos)
        << refused->error;
    EXPECT_EQ(scalar("SELECT count(*) FROM records WHERE entity = 'contracts'"), "0");
    EXPECT_EQ(scalar("SELECT last_sequence FROM streams"), "3") << "the refused set is not applied";
    EXPECT_EQ(scalar("SELECT count(*) FROM relay_events WHERE kind = 'quota' AND sequence = 4"),
              "1");

    // Known entities pass without counting; so do the parked children's.
    EXPECT_EQ(ship(items, stream_, next, 100)->verdict, Verdict::applied);
    lines.put(item_row(1001, 1), item_key(2));
    frames = lines.take_frames(stream_, next, 100);
    auto more = applier_->apply(site_, *prepare(frames.at(0), {}, site_));
    ASSERT_TRUE(more) << more.error().message;
    EXPECT_EQ(more->verdict, Verdict::applied);
    EXPECT_EQ(scalar("SELECT count(*) FROM pending_children"), "2");
}

TEST_F(QuotasTest, ANewStreamPastTheQuotaIsNotCreatedAndKnownStreamsGoOn) {
    SourceModel items("items", item_schema());
    const std::string second = "0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6c";
    const std::string third = "0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6d";
    std::uint64_t first_next = 1;
    std::uint64_t second_next = 1;
    std::uint64_t third_next = 1;
    EXPECT_EQ(ship(items, stream_, first_next, 0)->verdict, Verdict::applied);
    EXPECT_EQ(ship(items, second, second_next, 10)->verdict, Verdict::applied);

    auto refused = ship(items, third, third_next, 20);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::limit_exceeded);
    EXPECT_NE(refused.error().message.find("site has 2 streams, limits.max_streams_per_site is 2"),
              std::string::npos)
        << refused.error().message;
    EXPECT_EQ(scalar("SELECT count(*) FROM streams"), "2");
    EXPECT_EQ(scalar("SELECT count(*) FROM records"), "10");

    EXPECT_EQ(ship(items, stream_, first_next, 30)->verdict, Verdict::applied);
    EXPECT_EQ(ship(items, second, second_next, 40)->verdict, Verdict::applied);
    EXPECT_EQ(scalar("SELECT count(*) FROM streams"), "2");
}

}  // namespace
}  // namespace cs::relay::apply

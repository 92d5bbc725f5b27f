// One writer per site and key revocation, within one relay and across two
// relay instances sharing the database.
#include <gtest/gtest.h>

#include "relay/agent_link/site_store.hpp"
#include "tests/relay/agent_link/link_fixture.hpp"

namespace cs::relay::agent_link {
namespace {

using testing::TestAgent;
using Kind = TestAgent::Message::Kind;

class LinkSitesTest : public LinkFixture {
protected:
    void configure(RelayConfig& c) override { c.timeouts.site_lock_wait = std::chrono::seconds(2); }

    // Connects and completes hello/welcome; fails the test otherwise.
    std::unique_ptr<TestAgent> welcomed(int relay_port, const std::string& key,
                                        const std::string& stream) {
        auto agent = std::make_unique<TestAgent>(relay_port);
        EXPECT_EQ(agent->connect(key), 101);
        auto w = agent->hello({stream});
        EXPECT_EQ(w.json().value("type", ""), "welcome") << w.describe();
        return agent;
    }
    void expect_applies(TestAgent& agent, const std::string& stream) {
        testing::SourceModel source("items", testing::item_schema());
        std::uint64_t next = 1;
        auto sets = frames(source, stream, next, 0, 10, 1, 10);
        ASSERT_TRUE(agent.send_binary(sets.begin()->second));
        auto ack = agent.read_type("ack");
        EXPECT_EQ(ack.json().value("status", ""), "applied") << ack.describe();
    }
};

TEST_F(LinkSitesTest, RevokingASiteClosesItsLiveSessionWith4003AndNotOthers) {
    auto a = welcomed(port(), a_.key, stream_a_);
    auto b = welcomed(port(), b_.key, stream_b_);
    auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(sites::revoke_site(*conn_, a_.site.site_id));
    auto m = a->read(std::chrono::seconds(10));
    EXPECT_EQ(m.kind, Kind::closed) << m.describe();
    EXPECT_EQ(m.close_code, 4003);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    expect_applies(*b, stream_b_);
    TestAgent again(port());
    EXPECT_EQ(again.connect(a_.key), 401);
}

TEST_F(LinkSitesTest, RotatingAKeyClosesTheSessionAndTheNewKeyConnects) {
    auto a = welcomed(port(), a_.key, stream_a_);
    auto rotated = sites::rotate_site_key(*conn_, a_.site.site_id);
    ASSERT_TRUE(rotated);
    auto m = a->read(std::chrono::seconds(10));
    EXPECT_EQ(m.close_code, 4003) << m.describe();
    EXPECT_EQ(m.close_reason, "site key revoked or rotated");
    auto fresh = welcomed(port(), rotated->key, stream_a_);
    expect_applies(*fresh, stream_a_);
}

TEST_F(LinkSitesTest, ANewerConnectionReplacesTheOlderWith4004) {
    auto older = welcomed(port(), a_.key, stream_a_);
    auto newer = welcomed(port(), a_.key, stream_a_);
    auto m = older->read(std::chrono::seconds(10));
    EXPECT_EQ(m.close_code, 4004) << m.describe();
    expect_applies(*newer, stream_a_);
    EXPECT_EQ(scalar("SELECT count(*) FROM sites WHERE online"), "1");
}

TEST_F(LinkSitesTest, TakeoverAndRevocationWorkAcrossRelayInstances) {
    testing::TempDir other_dir;
    auto other_config = db_->relay_config(other_dir.path());
    auto other = cli::RelayService::start(other_config);
    ASSERT_TRUE(other) << other.error().message;
    auto on_first = welcomed(port(), a_.key, stream_a_);
    // The second instance finds the site lock taken, announces the takeover, and
    // gets the lock once the first instance has closed its session.
    auto on_second = welcomed((*other)->port(), a_.key, stream_a_);
    auto m = on_first->read(std::chrono::seconds(10));
    EXPECT_EQ(m.close_code, 4004) << m.describe();
    expect_applies(*on_second, stream_a_);

    ASSERT_TRUE(sites::revoke_site(*conn_, a_.site.site_id));
    auto r = on_second->read(std::chrono::seconds(10));
    EXPECT_EQ(r.close_code, 4003) << r.describe();
    (*other)->stop();
}

TEST_F(LinkSitesTest, ALockThatIsNeverReleasedEndsIn1013) {
    // Someone (a stuck instance that ignores takeover notices) holds the lock.
    auto holder = db_->connect();
    auto locked = store::try_lock_site(*holder, a_.site.site_id);
    ASSERT_TRUE(locked && *locked);
    TestAgent agent(port());
    ASSERT_EQ(agent.connect(a_.key), 101);
    auto m = agent.hello({stream_a_});
    EXPECT_EQ(m.close_code, 1013) << m.describe();
    // Site B is unaffected.
    auto b = welcomed(port(), b_.key, stream_b_);
    expect_applies(*b, stream_b_);
}

}  // namespace
}  // namespace cs::relay::agent_link

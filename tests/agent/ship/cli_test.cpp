// `contractsync-agent push` and `run` as an operator runs them: the real
// binary in a child process against the fake relay in this one.
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/store/state_db.hpp"
#include "tests/agent/ship/child_process.hpp"
#include "tests/agent/ship/fake_relay.hpp"
#include "tests/agent/ship/ship_test_support.hpp"

namespace cs::agent::ship {
namespace {

using testing::ChildProcess;
using testing::FakeRelay;
using testing::FakeRelayScript;
using testing::RelayRecord;
using namespace std::chrono_literals;

const std::string kAgent = std::string(CS_BINARY_DIR) + "/agent/contractsync-agent";

class AgentCliTest : public ::testing::Test {
protected:
    void write_config(std::uint16_t port, const std::string& poll = "1s") {
        std::filesystem::create_directories(dir_ / "drop");
        std::ofstream(dir_ / "agent.json") << R"({
  "agent": {"state_dir": "state"},
  "relay": {"url": "wss://127.0.0.1:)" << port
                                           << R"(/v1/agent", "proxy": "direct",
            "site_key": {"env": "CS_TEST_SITE_KEY"}, "ca_file": ")"
                                           << testing::tls_file("ca.pem") << R"("},
  "sources": {"drop": {"type": "folder", "path": "drop", "stable_for": "0s", "poll": ")"
                                           << poll << R"("}},
  "entities": [
    {"name": "items", "source": "drop", "key": ["item_id"],
     "fields": [{"name": "item_id", "from": "item_id"}, {"name": "name", "from": "name"},
                {"name": "price", "from": "price", "type": "decimal"}]}
  ]
})";
    }
    void drop_file(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / "drop" / (name + ".tmp")) << text;
        std::filesystem::rename(dir_ / "drop" / (name + ".tmp"), dir_ / "drop" / name);
    }
    // The key comes from the environment, as the config says; the child must
    // not inherit a proxy from whoever runs the tests either (relay.proxy is "direct").
    ChildProcess start_agent(const std::vector<std::string>& args) {
        return ChildProcess(kAgent, args, dir_.path(), "agent",
                            {"CS_TEST_SITE_KEY=" + testing::kSiteKey});
    }
    int agent(const std::vector<std::string>& args) {
        auto child = start_agent(args);
        int rc = child.wait();
        last_out_ = child.out();
        last_err_ = child.err();
        return rc;
    }
    std::int64_t depth() {
        auto store = StateDb::open(dir_ / "state" / "state.db").value();
        return testing::outbox_depth(store);
    }

    agent::testing::TempDir dir_;
    std::string last_out_;
    std::string last_err_;
};

TEST_F(AgentCliTest, PushExitsZeroOnlyWhenTheOutboxIsEmpty) {
    FakeRelay relay;
    write_config(relay.port());
    drop_file("items.csv", "item_id,name,price\nA1,Widget,1.50\nA2,Gadget,2.25\n");
    ASSERT_EQ(agent({"sync", "-c", (dir_ / "agent.json").string()}), 0) << last_err_;
    ASSERT_EQ(depth(), 1);
    EXPECT_EQ(agent({"push", "-c", (dir_ / "agent.json").string(), "--timeout", "30s"}), 0)
        << last_err_;
    EXPECT_NE(last_out_.find("the outbox is empty"), std::string::npos) << last_out_;
    EXPECT_EQ(depth(), 0);
    auto record = relay.record();
    EXPECT_EQ(record.applied.size(), 1u);
    EXPECT_EQ(record.run_reports.size(), 1u);
}

TEST_F(AgentCliTest, PushExitsThreeWhenTheRelayRejectedAChangeSet) {
    FakeRelayScript script;
    script.reject = {1};
    FakeRelay relay(script);
    write_config(relay.port());
    drop_file("items.csv", "item_id,name,price\nA1,Widget,1.50\n");
    ASSERT_EQ(agent({"sync", "-c", (dir_ / "agent.json").string()}), 0) << last_err_;
    EXPECT_EQ(agent({"push", "-c", (dir_ / "agent.json").string()}), 3) << last_err_;
    EXPECT_NE(last_err_.find("rejected by the relay and moved to the quarantine"),
              std::string::npos)
        << last_err_;
    EXPECT_EQ(depth(), 0);
}

TEST_F(AgentCliTest, PushExitsOneWithTheRelaysReasonAndNeverTheKey) {
    FakeRelayScript script;
    script.upgrade_status = 401;
    script.upgrade_error = "site key revoked";
    FakeRelay relay(script);
    write_config(relay.port());
    EXPECT_EQ(agent({"push", "-c", (dir_ / "agent.json").string()}), 1);
    EXPECT_NE(
        last_err_.find("error: relay refused the site key: 401 Unauthorized: site key revoked\n"),
        std::string::npos)
        << last_err_;
    EXPECT_EQ(last_err_.find(testing::kSiteKey), std::string::npos);
}

TEST_F(AgentCliTest, RunSyncsShipsAnswersCommandsAndStopsCleanlyOnSigterm) {
    FakeRelayScript script;
    script.heartbeat_seconds = 1;
    FakeRelay relay(script);
    write_config(relay.port());
    drop_file("items.csv", "item_id,name,price\nA1,Widget,1.50\nA2,Gadget,2.25\n");
    auto run = start_agent({"run", "-c", (dir_ / "agent.json").string(), "--log-level", "info"});
    ASSERT_TRUE(relay.wait_for(
        [](const RelayRecord& r) { return r.applied.size() == 1 && !r.run_reports.empty(); }, 20s))
        << run.err();
    // The next poll picks up a new file and ships its changes.
    drop_file("items2.csv", "item_id,name,price\nA1,Widget,1.75\nA2,Gadget,2.25\n");
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.applied.size() == 2; }, 20s))
        << run.err();
    relay.send(
        {{"type", "command"}, {"id", "cmd-1"}, {"command", "sync_now"}, {"entity", "items"}});
    relay.send({{"type", "command"}, {"id", "cmd-2"}, {"command", "sync_now"}, {"entity", "nope"}});
    ASSERT_TRUE(
        relay.wait_for([](const RelayRecord& r) { return r.command_results.size() == 2; }, 20s))
        << run.err();
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.heartbeats.size() >= 2; }, 10s));
    run.signal(SIGTERM);
    EXPECT_EQ(run.wait(20s), 0) << run.err();
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return !r.agent_close_codes.empty(); }));
    auto record = relay.record();
    EXPECT_EQ(record.agent_close_codes.back(), 1000);
    std::map<std::string, nlohmann::json> results;
    for (const auto& r : record.command_results) {
        results[r["id"].get<std::string>()] = r;
    }
    EXPECT_TRUE(results["cmd-1"]["ok"].get<bool>()) << results["cmd-1"].dump();
    EXPECT_FALSE(results["cmd-2"]["ok"].get<bool>());
    EXPECT_NE(results["cmd-2"]["message"].get<std::string>().find("'nope'"), std::string::npos);
    EXPECT_EQ(record.heartbeats.back()["status"]["last_runs"][0]["entity"], "items");
    EXPECT_EQ(run.err().find(testing::kSiteKey), std::string::npos);
    EXPECT_EQ(depth(), 0);
}

TEST_F(AgentCliTest, ARetryOfRowsThatFailAgainIsReportedAsFailed) {
    FakeRelayScript script;
    FakeRelay relay(script);
    write_config(relay.port());
    drop_file("items.csv", "item_id,name,price\nA1,Widget,1.50\nA2,Gadget,not a price\n");
    auto run = start_agent({"run", "-c", (dir_ / "agent.json").string()});
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return !r.run_reports.empty(); }, 20s))
        << run.err();
    relay.send({{"type", "command"}, {"id", "retry-1"}, {"command", "retry_failed"}});
    ASSERT_TRUE(
        relay.wait_for([](const RelayRecord& r) { return r.command_results.size() == 1; }, 20s))
        << run.err();
    run.signal(SIGTERM);
    EXPECT_EQ(run.wait(20s), 0) << run.err();
    auto result = relay.record().command_results.front();
    EXPECT_EQ(result["id"], "retry-1");
    EXPECT_FALSE(result["ok"].get<bool>()) << result.dump();
    EXPECT_NE(result["message"].get<std::string>().find("1 row(s) still fail"), std::string::npos)
        << result.dump();
}

}  // namespace
}  // namespace cs::agent::ship

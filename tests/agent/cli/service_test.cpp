// `contractsync-agent run` as systemd runs it (Type=notify): the real binary
// in a child process, a simulated service manager on $NOTIFY_SOCKET, and the
// site key read from the encrypted secret store that `secret set` filled.
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "agent/store/state_db.hpp"
#include "tests/agent/agent_test_support.hpp"
#include "tests/agent/metrics/http_get.hpp"
#include "tests/agent/ship/child_process.hpp"
#include "tests/common/service/notify_listener.hpp"

namespace cs::agent {
namespace {

using namespace std::chrono_literals;
using service::testing::has_line;
using service::testing::NotifyListener;
using ship::testing::ChildProcess;
using ship::testing::run_program;

const std::string kAgent = std::string(CS_BINARY_DIR) + "/agent/contractsync-agent";

// A well-formed site key made at run time; no test fixture holds a secret.
std::string random_site_key() {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::random_device rd;
    std::string key = "cs_site_";
    for (int i = 0; i < 43; ++i) {
        key += alphabet[rd() % 64];
    }
    return key;
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool any_has(const std::vector<std::string>& messages, const std::string& line) {
    for (const auto& m : messages) {
        if (has_line(m, line)) {
            return true;
        }
    }
    return false;
}

class AgentServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        write_config(R"({"name": "items", "source": "drop", "key": ["item_id"],
                         "fields": [{"name": "item_id", "from": "item_id"}]})");
        site_key_ = random_site_key();
        ASSERT_EQ(secret({"set", "site_key"}, site_key_), 0) << last_err_;
    }

    // The relay is a closed port on 127.0.0.1: the uplink backs off, which is
    // all a service's start-up needs.
    void write_config(const std::string& entities) {
        std::filesystem::create_directories(dir_ / "drop");
        std::ofstream(dir_ / "agent.json", std::ios::trunc) << R"({
  "agent": {"state_dir": "state"},
  "relay": {"url": "wss://127.0.0.1:1/v1/agent", "proxy": "direct",
            "site_key": {"secret": "site_key"}},
  "sources": {"drop": {"type": "folder", "path": "drop", "stable_for": "0s", "poll": "1h"}},
  "entities": [)" << entities << "]}";
    }

    std::string config() const { return (dir_ / "agent.json").string(); }

    // `secret ...` with `input` on standard input, as an administrator pipes it.
    int secret(const std::vector<std::string>& args, const std::string& input = "") {
        auto input_file = dir_ / "stdin";
        { std::ofstream(input_file, std::ios::trunc) << input << "\n"; }
        ::chmod(input_file.c_str(), 0600);
        std::string command = "exec '" + kAgent + "' secret";
        for (const auto& a : args) {
            command += " '" + a + "'";
        }
        command += " -c '" + config() + "' < '" + input_file.string() + "'";
        auto child = ChildProcess("/bin/sh", {"-c", command}, dir_.path(), "secret");
        int rc = child.wait();
        std::filesystem::remove(input_file);
        last_out_ = child.out();
        last_err_ = child.err();
        return rc;
    }

    ChildProcess start_run(NotifyListener& manager, const std::vector<std::string>& env = {}) {
        std::vector<std::string> vars = {"NOTIFY_SOCKET=" + manager.address()};
        vars.insert(vars.end(), env.begin(), env.end());
        return ChildProcess(kAgent, {"run", "-c", config(), "--log-level", "info"}, dir_.path(),
                            "run", vars);
    }

    agent::testing::TempDir dir_;
    std::string site_key_;
    std::string last_out_;
    std::string last_err_;
};

TEST_F(AgentServiceTest, ReadyComesOnlyAfterTheStoreIsOpenAndStoppingBeforeExit) {
    // The store exists, and this test holds its write lock: the agent cannot
    // finish opening it (it closes interrupted runs in a write) until released.
    { auto created = StateDb::open(dir_ / "state" / "state.db").value(); }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "state" / "state.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

    NotifyListener manager;
    auto agent = start_run(manager);
    // While the store is locked, the manager hears nothing that says ready.
    auto early = manager.until("READY=1", 1500ms);
    EXPECT_FALSE(any_has(early, "READY=1")) << "READY before the state store was open";
    ASSERT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);

    auto messages = manager.until("READY=1", 30s);
    ASSERT_TRUE(any_has(messages, "READY=1")) << agent.err();
    EXPECT_TRUE(any_has(messages, "STATUS=1 source, 1 entity"));

    agent.signal(SIGTERM);
    auto stopping = manager.until("STOPPING=1", 30s);
    EXPECT_TRUE(any_has(stopping, "STOPPING=1"));
    EXPECT_EQ(agent.wait(), 0) << agent.err();
}

TEST_F(AgentServiceTest, RunConsoleIsTheSameServiceInTheForeground) {
    NotifyListener manager;
    ChildProcess agent(kAgent, {"run", "--console", "-c", config(), "--log-level", "info"},
                       dir_.path(), "run-console", {"NOTIFY_SOCKET=" + manager.address()});
    auto messages = manager.until("READY=1", 30s);
    ASSERT_TRUE(any_has(messages, "READY=1")) << agent.err();
    agent.signal(SIGTERM);
    EXPECT_TRUE(any_has(manager.until("STOPPING=1", 30s), "STOPPING=1"));
    EXPECT_EQ(agent.wait(), 0) << agent.err();
}

TEST_F(AgentServiceTest, MetricsOnLoopbackShowTheOutboxRunsAndRelay) {
    {
        std::ifstream in(dir_ / "agent.json");
        std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        text.replace(text.find(R"("state_dir": "state")"), 20,
                     R"("state_dir": "state", "metrics": {"listen": "127.0.0.1:0"})");
        std::ofstream(dir_ / "agent.json", std::ios::trunc) << text;
    }
    std::ofstream(dir_ / "drop" / "items.csv") << "item_id\n1\n2\n";
    NotifyListener manager;
    auto agent = start_run(manager);
    ASSERT_TRUE(any_has(manager.until("READY=1", 30s), "READY=1")) << agent.err();
    std::string log = agent.out() + agent.err();
    auto at = log.find("metrics on http://127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << log;
    auto port = static_cast<std::uint16_t>(std::stoi(log.substr(at + 28)));

    // The drop folder's file becomes one run and one change set that stays in
    // the outbox (the relay is unreachable).
    std::string body;
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        body = metrics::testing::http_get(port);
        if (body.find(R"(contractsync_agent_runs_total{entity="items",status="succeeded"} 1)") !=
            std::string::npos) {
            break;
        }
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(body.find("HTTP/1.1 200 OK"), std::string::npos) << body;
    EXPECT_NE(body.find(R"(contractsync_agent_runs_total{entity="items",status="succeeded"} 1)"),
              std::string::npos)
        << body;
    EXPECT_NE(body.find(R"(contractsync_agent_rows_total{entity="items",stage="fetched"} 2)"),
              std::string::npos)
        << body;
    EXPECT_NE(body.find("\ncontractsync_agent_outbox_depth 1\n"), std::string::npos) << body;
    EXPECT_NE(body.find("\ncontractsync_agent_relay_connected 0\n"), std::string::npos) << body;
    EXPECT_NE(body.find("contractsync_agent_build_info{version=\""), std::string::npos) << body;

    agent.signal(SIGTERM);
    EXPECT_EQ(agent.wait(), 0) << agent.err();
    EXPECT_TRUE(metrics::testing::http_get(port).empty()) << "the endpoint outlived the agent";
}

TEST_F(AgentServiceTest, InstallAndUninstallPointToThePackageOnLinux) {
    ChildProcess install(kAgent, {"install", "-c", config()}, dir_.path(), "install");
    EXPECT_EQ(install.wait(), 1);
    EXPECT_NE(install.err().find("package installs and enables contractsync-agent.service"),
              std::string::npos)
        << install.err();
    ChildProcess uninstall(kAgent, {"uninstall"}, dir_.path(), "uninstall");
    EXPECT_EQ(uninstall.wait(), 1);
    EXPECT_NE(uninstall.err().find("apt remove contractsync-agent"), std::string::npos)
        << uninstall.err();
}

TEST_F(AgentServiceTest, ABrokenConfigExitsWithoutEverSayingReady) {
    std::ofstream(dir_ / "agent.json", std::ios::app) << "\n{ trailing garbage";
    NotifyListener manager;
    auto agent = start_run(manager);
    EXPECT_EQ(agent.wait(), 1);
    EXPECT_NE(agent.err().find("agent.json"), std::string::npos) << agent.err();
    std::vector<std::string> heard;
    while (auto m = manager.next(0ms)) {
        heard.push_back(*m);
    }
    EXPECT_FALSE(any_has(heard, "READY=1"));
}

TEST_F(AgentServiceTest, AMissingSecretExitsWithoutSayingReady) {
    ASSERT_EQ(secret({"delete", "site_key"}), 0) << last_err_;
    NotifyListener manager;
    auto agent = start_run(manager);
    EXPECT_EQ(agent.wait(), 1);
    EXPECT_NE(agent.err().find("secret set site_key"), std::string::npos) << agent.err();
    std::vector<std::string> heard;
    while (auto m = manager.next(0ms)) {
        heard.push_back(*m);
    }
    EXPECT_FALSE(any_has(heard, "READY=1"));
}

TEST_F(AgentServiceTest, PingsTheWatchdogWhenAskedTo) {
    NotifyListener manager;
    auto agent = start_run(manager, {"WATCHDOG_USEC=200000"});
    auto first = manager.until("WATCHDOG=1", 30s);
    ASSERT_TRUE(any_has(first, "WATCHDOG=1")) << agent.err();
    auto second = manager.until("WATCHDOG=1", 30s);
    EXPECT_TRUE(any_has(second, "WATCHDOG=1"));
    agent.signal(SIGTERM);
    EXPECT_EQ(agent.wait(), 0) << agent.err();
}

TEST_F(AgentServiceTest, SighupReloadsEntitiesAndKeepsTheOldConfigWhenTheNewOneIsBroken) {
    NotifyListener manager;
    auto agent = start_run(manager);
    ASSERT_TRUE(any_has(manager.until("READY=1", 30s), "READY=1")) << agent.err();

    write_config(R"({"name": "items", "source": "drop", "key": ["item_id"],
                     "fields": [{"name": "item_id", "from": "item_id"}]},
                    {"name": "prices", "source": "drop", "key": ["item_id"],
                     "fields": [{"name": "item_id", "from": "item_id"}]})");
    agent.signal(SIGHUP);
    auto reload = manager.until("READY=1", 30s);
    EXPECT_TRUE(any_has(reload, "RELOADING=1"));
    EXPECT_TRUE(any_has(reload, "STATUS=1 source, 2 entities")) << agent.err();

    std::ofstream(dir_ / "agent.json", std::ios::trunc) << "{ not json";
    agent.signal(SIGHUP);
    auto broken = manager.until("READY=1", 30s);
    EXPECT_TRUE(any_has(broken, "STATUS=reload failed; running the previous configuration"));

    agent.signal(SIGTERM);
    EXPECT_EQ(agent.wait(), 0) << agent.err();
    EXPECT_NE(agent.err().find("reloaded"), std::string::npos) << agent.err();
    EXPECT_NE(agent.err().find("still running the configuration loaded before"), std::string::npos);
}

TEST_F(AgentServiceTest, StatusShowsTheRunningServiceAndItsRelayConnection) {
    NotifyListener manager;
    auto agent = start_run(manager);
    ASSERT_TRUE(any_has(manager.until("READY=1", 30s), "READY=1")) << agent.err();
    auto [rc, out] = run_program(kAgent, {"status", "--json", "-c", config()}, dir_.path());
    ASSERT_EQ(rc, 0);
    auto j = nlohmann::json::parse(out);
    ASSERT_TRUE(j["service"].is_object()) << out;
    EXPECT_EQ(j["service"]["running"], true);
    EXPECT_EQ(j["service"]["relay"]["url"], "wss://127.0.0.1:1/v1/agent");
    // Nothing listens on port 1: the uplink is connecting or backing off.
    std::string state = j["service"]["relay"]["state"];
    EXPECT_TRUE(state == "connecting" || state == "waiting") << state;

    agent.signal(SIGTERM);
    ASSERT_EQ(agent.wait(), 0) << agent.err();
    auto [rc2, text] = run_program(kAgent, {"status", "-c", config()}, dir_.path());
    ASSERT_EQ(rc2, 0);
    EXPECT_NE(text.find("relay      unknown: the service is not running"), std::string::npos)
        << text;
    EXPECT_NE(text.find("stopped"), std::string::npos) << text;
}

TEST_F(AgentServiceTest, SecretCommandsNeverShowTheValue) {
    std::string p21 = random_site_key();
    ASSERT_EQ(secret({"set", "p21_password"}, p21), 0) << last_err_;
    EXPECT_NE(last_out_.find("secret p21_password stored"), std::string::npos);
    ASSERT_EQ(secret({"list"}), 0) << last_err_;
    EXPECT_NE(last_out_.find("p21_password"), std::string::npos);
    EXPECT_NE(last_out_.find("site_key"), std::string::npos);
    EXPECT_EQ(last_out_.find(p21), std::string::npos);
    EXPECT_EQ(last_out_.find(site_key_), std::string::npos);
    auto store = slurp(dir_ / "state" / "secrets" / "secrets.json");
    EXPECT_EQ(store.find(p21), std::string::npos);
    EXPECT_EQ(store.find(site_key_), std::string::npos);

    ASSERT_EQ(secret({"delete", "p21_password"}), 0) << last_err_;
    EXPECT_EQ(secret({"delete", "p21_password"}), 1);
    EXPECT_NE(last_err_.find("not in the store"), std::string::npos);
    EXPECT_EQ(secret({"set", "bad name"}, "x"), 1);
    EXPECT_EQ(secret({"set", "empty"}, ""), 1);
}

}  // namespace
}  // namespace cs::agent

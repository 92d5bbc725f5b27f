// `support-bundle` and `status` from the real binary: the zip holds what
// support needs and none of the secrets planted in the config, the store and
// the logs.
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "common/text/base64.hpp"
#include "tests/agent/agent_test_support.hpp"
#include "tests/agent/ship/child_process.hpp"

namespace cs::agent {
namespace {

using ship::testing::ChildProcess;

const std::string kAgent = std::string(CS_BINARY_DIR) + "/agent/contractsync-agent";

std::string random_text(std::size_t n) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += alphabet[rd() % 62];
    }
    return out;
}

class SupportBundleTest : public ::testing::Test {
protected:
    void SetUp() override {
        site_key_ = "cs_site_" + random_text(43);
        proxy_password_ = "pw" + random_text(20);
        std::filesystem::create_directories(dir_ / "drop");
        std::filesystem::create_directories(dir_ / "logs");
        std::ofstream(dir_ / "agent.json") << R"({
  "agent": {"state_dir": "state", "log": {"file": "logs/agent.log", "format": "json"}},
  "relay": {"url": "wss://relay.example.com/v1/agent",
            "proxy": "http://ops:)" << proxy_password_
                                           << R"(@proxy.internal:3128",
            "site_key": {"secret": "site_key"}},
  "sources": {"drop": {"type": "folder", "path": "drop"}},
  "entities": [{"name": "items", "source": "drop", "key": ["item_id"],
                "fields": [{"name": "item_id", "from": "item_id"}]}]
})";
        ASSERT_EQ(run_shell("secret set site_key -c '" + config() + "'", site_key_), 0) << err_;
    }

    std::string config() const { return (dir_ / "agent.json").string(); }

    int run_shell(const std::string& args, const std::string& input = "",
                  const std::string& umask = "077") {
        auto input_file = dir_ / "stdin";
        std::ofstream(input_file, std::ios::trunc) << input << "\n";
        ::chmod(input_file.c_str(), 0600);
        ChildProcess child("/bin/sh",
                           {"-c", "umask " + umask + "; exec '" + kAgent + "' " + args + " < '" +
                                      input_file.string() + "'"},
                           dir_.path(), "agent");
        int rc = child.wait();
        std::filesystem::remove(input_file);
        out_ = child.out();
        err_ = child.err();
        return rc;
    }

    std::string unzip(const std::vector<std::string>& args) {
        ChildProcess child("/usr/bin/unzip", args, dir_.path(), "unzip");
        EXPECT_EQ(child.wait(), 0) << child.err();
        return child.out();
    }

    agent::testing::TempDir dir_;
    std::string site_key_;
    std::string proxy_password_;
    std::string out_;
    std::string err_;
};

TEST_F(SupportBundleTest, HoldsStatusConfigAndLogsButNoSecret) {
    // A log line that leaked the key (a bug the bundle must not spread), and
    // an older rotated file that leaked the proxy password.
    std::ofstream(dir_ / "logs" / "agent.log")
        << R"({"level":"info","msg":"uplink target wss://relay.example.com"})"
        << "\n"
        << R"({"level":"debug","msg":"header Bearer )" << site_key_ << R"("})"
        << "\n";
    std::ofstream(dir_ / "logs" / "agent.1.log") << "proxy said no to " << proxy_password_ << "\n";
    // Encoded forms: the proxy's Basic credentials bare and in a header.
    const std::string basic = text::base64_encode("ops:" + proxy_password_);
    std::ofstream(dir_ / "logs" / "agent.2.log")
        << "credentials " << basic << " refused\nProxy-Authorization: Basic " << basic << "\n";

    auto zip = dir_ / "bundle.zip";
    // With umask 0 the zip is still for its owner alone.
    ASSERT_EQ(run_shell("support-bundle -c '" + config() + "' -o '" + zip.string() + "'", "", "0"),
              0)
        << err_;
    EXPECT_NE(out_.find("bundle.zip"), std::string::npos);
    struct stat st {};
    ASSERT_EQ(::stat(zip.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    auto listing = unzip({"-l", zip.string()});
    for (const char* name : {"config.json", "status.json", "secrets.txt", "system.txt",
                             "logs/agent.log", "logs/agent.1.log"}) {
        EXPECT_NE(listing.find(name), std::string::npos) << name << " missing:\n" << listing;
    }
    auto everything = unzip({"-p", zip.string()});
    EXPECT_EQ(everything.find(site_key_), std::string::npos) << "the site key leaked";
    EXPECT_EQ(everything.find(proxy_password_), std::string::npos) << "the proxy password leaked";
    EXPECT_EQ(everything.find(site_key_.substr(8, 20)), std::string::npos);
    EXPECT_EQ(everything.find(basic.substr(4, basic.size() - 8)), std::string::npos)
        << "the proxy password leaked base64-encoded";
    EXPECT_NE(everything.find("Proxy-Authorization: Basic ***"), std::string::npos);
    EXPECT_NE(everything.find("uplink target wss://relay.example.com"), std::string::npos);
    EXPECT_NE(everything.find("Bearer ***"), std::string::npos);

    auto config_json = nlohmann::json::parse(unzip({"-p", zip.string(), "config.json"}));
    EXPECT_EQ(config_json["relay"]["proxy"], "http://ops:***@proxy.internal:3128");
    EXPECT_EQ(config_json["relay"]["site_key"]["secret"], "site_key");
    auto secrets_txt = unzip({"-p", zip.string(), "secrets.txt"});
    EXPECT_NE(secrets_txt.find("site_key"), std::string::npos);
    auto status = nlohmann::json::parse(unzip({"-p", zip.string(), "status.json"}));
    EXPECT_EQ(status["outbox"]["depth"], 0);
    EXPECT_TRUE(status["service"].is_null());
}

TEST_F(SupportBundleTest, StatusSaysTheServiceHasNotRun) {
    ASSERT_EQ(run_shell("status -c '" + config() + "'"), 0) << err_;
    EXPECT_NE(out_.find("relay      unknown: the service (contractsync-agent run) has not run"),
              std::string::npos)
        << out_;
    EXPECT_NE(out_.find("outbox     0 change sets"), std::string::npos) << out_;
    ASSERT_EQ(run_shell("status --json -c '" + config() + "'"), 0) << err_;
    auto j = nlohmann::json::parse(out_);
    EXPECT_TRUE(j.contains("version"));
    EXPECT_EQ(j["config"], config());
    EXPECT_TRUE(j["service"].is_null());
}

}  // namespace
}  // namespace cs::agent

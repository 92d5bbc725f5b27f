#include "agent/config/agent_config.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

namespace fs = std::filesystem;

Expected<AgentConfig> load_text(const fs::path& path, const std::string& text,
                                const char* const* env = nullptr) {
    std::ofstream(path) << text;
    return load_agent_config(path, env);
}

constexpr const char* kMinimal = R"({
  // comments are allowed
  "relay": { "url": "wss://relay.example.com/v1/agent", "site_key": { "file": "keys/site.key" },
             "ca_file": "ca.pem" },
  "sources": { "drop": { "type": "folder", "path": "drop" } },
  "entities": [
    { "name": "items", "source": "drop", "key": ["item_id"],
      "fields": [ { "name": "item_id", "from": "Item" }, { "name": "price", "type": "decimal" } ] }
  ]
})";

TEST(AgentConfigTest, EveryShippedExampleLoads) {
    int examples = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(CS_SOURCE_DIR) / "config")) {
        if (entry.path().extension() != ".jsonc") {
            continue;
        }
        ++examples;
        auto config = load_agent_config(entry.path(), nullptr);
        ASSERT_TRUE(config) << entry.path() << ": " << config.error().message;
        EXPECT_FALSE(config->entities.empty()) << entry.path();
        ASSERT_TRUE(config->relay.has_value()) << entry.path();
    }
    EXPECT_GE(examples, 2);
}

TEST(AgentConfigTest, RelativePathsResolveAgainstTheConfigFolder) {
    testing::TempDir dir;
    auto config = load_text(dir / "agent.json", kMinimal);
    ASSERT_TRUE(config) << config.error().message;
    ASSERT_TRUE(config->relay.has_value());
    EXPECT_EQ(fs::path(config->relay->site_key.name), dir / "keys" / "site.key");
    EXPECT_EQ(config->relay->ca_file, dir / "ca.pem");
    EXPECT_EQ(config->state_db(), dir / "state" / "state.db");
    const auto& folder = std::get<FolderSourceConfig>(config->sources.at(0).settings);
    EXPECT_EQ(folder.path, dir / "drop");
    EXPECT_EQ(folder.processed_dir, dir / "drop" / "processed");
}

// kMinimal with an "agent" section.
std::string with_agent(const std::string& agent) {
    std::string text = kMinimal;
    return text.insert(text.find('{') + 1, "\n  \"agent\": " + agent + ",");
}

TEST(AgentConfigTest, MetricsAreOffUnlessALoopbackAddressIsGiven) {
    testing::TempDir dir;
    auto off = load_text(dir / "agent.json", kMinimal);
    ASSERT_TRUE(off) << off.error().message;
    EXPECT_FALSE(off->metrics.has_value());

    auto on =
        load_text(dir / "agent.json", with_agent(R"({"metrics": {"listen": "127.0.0.1:9464"}})"));
    ASSERT_TRUE(on) << on.error().message;
    ASSERT_TRUE(on->metrics.has_value());
    EXPECT_EQ(on->metrics->host, "127.0.0.1");
    EXPECT_EQ(on->metrics->port, 9464);

    auto v6 = load_text(dir / "agent.json", with_agent(R"({"metrics": {"listen": "[::1]:0"}})"));
    ASSERT_TRUE(v6) << v6.error().message;
    EXPECT_EQ(v6->metrics->host, "::1");
    EXPECT_EQ(v6->metrics->port, 0);

    for (const char* bad :
         {"0.0.0.0:9464", "192.168.1.5:9464", "127.0.0.1", "127.0.0.1:99999", "localhost:http"}) {
        std::string agent = std::string(R"({"metrics": {"listen": ")") + bad + R"("}})";
        auto config = load_text(dir / "agent.json", with_agent(agent));
        ASSERT_FALSE(config) << bad;
        EXPECT_NE(config.error().message.find("agent.metrics.listen"), std::string::npos)
            << config.error().message;
    }
}

TEST(AgentConfigTest, SecretsInPlainTextAreRefused) {
    testing::TempDir dir;
    std::string text = kMinimal;
    text.replace(text.find(R"({ "file": "keys/site.key" })"), 27, R"("s3cr3t-key-in-the-file")");
    auto config = load_text(dir / "agent.json", text);
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("site_key"), std::string::npos) << config.error().message;
    EXPECT_NE(config.error().message.find("must not be written in the config file"),
              std::string::npos)
        << config.error().message;
    EXPECT_EQ(config.error().message.find("s3cr3t"), std::string::npos)
        << "the error must not repeat the secret: " << config.error().message;
}

TEST(AgentConfigTest, ErrorsNameTheFileLineAndKey) {
    testing::TempDir dir;
    std::string text = kMinimal;
    text.replace(text.find(R"("key": ["item_id"])"), 18, R"("key": ["sku"])");
    auto config = load_text(dir / "agent.json", text);
    ASSERT_FALSE(config);
    const auto& message = config.error().message;
    EXPECT_NE(message.find("agent.json:7"), std::string::npos) << message;
    EXPECT_NE(message.find("key"), std::string::npos) << message;
    EXPECT_NE(message.find("'sku' is not one of the entity's fields"), std::string::npos)
        << message;
}

TEST(AgentConfigTest, UnknownKeysAreErrorsNotIgnored) {
    testing::TempDir dir;
    std::string text = kMinimal;
    text.replace(text.find(R"("source": "drop")"), 16, R"("source": "drop", "sorce": "x")");
    auto config = load_text(dir / "agent.json", text);
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("sorce"), std::string::npos) << config.error().message;
}

TEST(AgentConfigTest, ParentsMustComeFirstAndMapTheirWholeKey) {
    testing::TempDir dir;
    auto config = load_text(dir / "agent.json", R"({
  "sources": { "drop": { "type": "folder", "path": "drop" } },
  "entities": [
    { "name": "uoms", "source": "drop", "key": ["item_id", "uom"],
      "parent": { "entity": "items", "key": { "item_id": "item_id" } },
      "fields": [ { "name": "item_id" }, { "name": "uom" } ] },
    { "name": "items", "source": "drop", "key": ["item_id"], "fields": [ { "name": "item_id" } ] }
  ]
})");
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("parents come first"), std::string::npos)
        << config.error().message;

    auto ordered = load_text(dir / "ordered.json", R"({
  "sources": { "drop": { "type": "folder", "path": "drop" } },
  "entities": [
    { "name": "items", "source": "drop", "key": ["item_id"], "fields": [ { "name": "item_id" } ] },
    { "name": "uoms", "source": "drop", "key": ["item_id", "uom"],
      "parent": { "entity": "items", "key": { "item_id": "item_id" } },
      "fields": [ { "name": "item_id" }, { "name": "uom" } ] }
  ]
})");
    ASSERT_TRUE(ordered) << ordered.error().message;
    ASSERT_EQ(ordered->entities.size(), 2u);
    EXPECT_EQ(ordered->entities[1].parent, "items");
    EXPECT_EQ(ordered->entities[1].parent_key.at("item_id"), "item_id");
}

TEST(AgentConfigTest, EnvironmentOverridesAKey) {
    testing::TempDir dir;
    const char* env[] = {"CONTRACTSYNC__RELAY__URL=wss://other.example.com/v1/agent", nullptr};
    auto config = load_text(dir / "agent.json", kMinimal, env);
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->relay->url, "wss://other.example.com/v1/agent");
}

std::string with_schedule(const std::string& schedule) {
    std::string text = kMinimal;
    const std::string anchor = R"("key": ["item_id"],)";
    text.replace(text.find(anchor), anchor.size(), anchor + " \"schedule\": " + schedule + ",");
    return text;
}

TEST(AgentConfigTest, ReadsAScheduleWithAnIntervalAndANightWindow) {
    testing::TempDir dir;
    auto config =
        load_text(dir / "agent.json",
                  with_schedule(R"({"every": "15m", "window": {"start": "19:00", "end": "07:00",
                          "time_zone": "America/Chicago"}})"));
    ASSERT_TRUE(config) << config.error().message;
    const auto& schedule = config->entities.at(0).schedule;
    ASSERT_TRUE(schedule.every.has_value());
    EXPECT_EQ(*schedule.every, std::chrono::minutes(15));
    ASSERT_TRUE(schedule.window.has_value());
    EXPECT_EQ(schedule.window->start, std::chrono::hours(19));
    EXPECT_EQ(schedule.window->end, std::chrono::hours(7));
    EXPECT_EQ(schedule.window->describe(), "19:00-07:00 America/Chicago");
}

TEST(AgentConfigTest, ScheduleMistakesNameTheKey) {
    testing::TempDir dir;
    struct Case {
        const char* schedule;
        const char* expect;  // in the message
    };
    for (const auto& c : {
             Case{R"({"every": "0s"})", "every"},
             Case{R"({"window": {"start": "25:00", "end": "07:00"}})", "start"},
             Case{R"({"window": {"start": "19:00", "end": "19:00"}})", "end"},
             Case{R"({"window": {"start": "19:00", "end": "07:00", "time_zone": "Mars/Base"}})",
                  "time_zone"},
             Case{R"({"every": "1h", "windoww": {}})", "windoww"},
         }) {
        auto config = load_text(dir / "agent.json", with_schedule(c.schedule));
        ASSERT_FALSE(config) << c.schedule;
        EXPECT_NE(config.error().message.find(c.expect), std::string::npos)
            << c.schedule << ": " << config.error().message;
        EXPECT_NE(config.error().message.find("agent.json:"), std::string::npos)
            << config.error().message;
    }
}

}  // namespace
}  // namespace cs::agent

#include <gtest/gtest.h>

#include "common/config/document.hpp"
#include "common/config/reader.hpp"

namespace cs::config {
namespace {

constexpr std::string_view kText = R"({
  // The relay this agent ships to.
  "relay": {
    "url": "wss://relay.example.com/v1/agent",
    "window": 8 /* change sets in flight */
  },
  "entities": [
    { "name": "inv_mast", "interval": "15m" },
    { "name": "supplier", "interval": 3, "typo_key": true }
  ],
  "note": "a // inside a string is not a comment"
})";

TEST(DocumentTest, ParsesCommentsAndKnowsLines) {
    auto doc = Document::parse(kText, "agent.json");
    ASSERT_TRUE(doc) << doc.error().message;
    EXPECT_EQ(doc->root()["note"], "a // inside a string is not a comment");
    EXPECT_EQ(doc->where("/relay/url"), "agent.json:4");
    EXPECT_EQ(doc->where("/entities/1/typo_key"), "agent.json:9");
    EXPECT_EQ(doc->where("/relay/missing"), "agent.json:3");
}

TEST(DocumentTest, ABomAndCrlfLineEndsKeepTheLines) {
    // Notepad on Windows saves UTF-8 with a byte order mark and CRLF.
    std::string text = "\xEF\xBB\xBF";
    for (char c : kText) {
        if (c == '\n') {
            text += '\r';
        }
        text += c;
    }
    auto doc = Document::parse(text, "agent.json");
    ASSERT_TRUE(doc) << doc.error().message;
    EXPECT_EQ(doc->root()["relay"]["url"], "wss://relay.example.com/v1/agent");
    EXPECT_EQ(doc->where("/relay/url"), "agent.json:4");
    EXPECT_EQ(doc->where("/entities/1/typo_key"), "agent.json:9");
}

TEST(DocumentTest, SyntaxErrorsNameFileLineAndColumn) {
    auto doc = Document::parse("{\n  \"a\": 1,\n  \"b\": ,\n}", "bad.json");
    ASSERT_FALSE(doc);
    EXPECT_EQ(doc.error().code, ErrorCode::parse_error);
    EXPECT_EQ(doc.error().message.rfind("bad.json:3:", 0), 0u) << doc.error().message;
}

TEST(DocumentTest, MissingFileIsAClearError) {
    auto doc = Document::load("/nonexistent/agent.json");
    ASSERT_FALSE(doc);
    EXPECT_NE(doc.error().message.find("/nonexistent/agent.json"), std::string::npos);
}

TEST(ReaderTest, TypedAccessWithPositionedErrors) {
    auto doc = Document::parse(kText, "agent.json").value();
    Reader root(doc);
    auto relay = root.object("relay").value();
    EXPECT_EQ(relay.string("url").value(), "wss://relay.example.com/v1/agent");
    EXPECT_EQ(relay.integer_or("window", 4, 1, 64).value(), 8);
    auto too_big = relay.integer("window", 1, 4);
    ASSERT_FALSE(too_big);
    EXPECT_EQ(too_big.error().message, "agent.json:5: relay.window: 8 is outside 1..4");
    auto wrong_type = relay.integer("url", 0, 1);
    ASSERT_FALSE(wrong_type);
    EXPECT_EQ(wrong_type.error().message,
              "agent.json:4: relay.url: expected a whole number, found a string");
    auto missing = relay.string("site_key");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "agent.json:3: relay.site_key: is required");

    auto entities = root.objects("entities").value();
    ASSERT_EQ(entities.size(), 2u);
    EXPECT_EQ(entities[0].duration_or("interval", {}).value(), std::chrono::minutes(15));
    EXPECT_EQ(entities[1].duration_or("interval", {}).value(), std::chrono::seconds(3));
    auto unknown = entities[1].allow_only({"name", "interval"});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message.rfind("agent.json:9: entities[1].typo_key: unknown key", 0),
              0u)
        << unknown.error().message;
}

TEST(ReaderTest, EnvironmentOverridesWinAndAreNamedInErrors) {
    auto doc = Document::parse(kText, "agent.json").value();
    const char* env[] = {"CONTRACTSYNC__RELAY__URL=wss://other/v1/agent",
                         "CONTRACTSYNC__RELAY__WINDOW=99", "CONTRACTSYNC__LOG__LEVEL=debug",
                         "UNRELATED=1", nullptr};
    ASSERT_TRUE(doc.apply_env_overrides("CONTRACTSYNC", env));
    Reader root(doc);
    EXPECT_EQ(root.object("relay")->string("url").value(), "wss://other/v1/agent");
    EXPECT_EQ(root.object("log")->string("level").value(), "debug");
    auto window = root.object("relay")->integer("window", 1, 64);
    ASSERT_FALSE(window);
    EXPECT_EQ(
        window.error().message,
        "environment variable CONTRACTSYNC__RELAY__WINDOW: relay.window: 99 is outside 1..64");
}

TEST(ReaderTest, Durations) {
    EXPECT_EQ(parse_duration("250ms").value(), std::chrono::milliseconds(250));
    EXPECT_EQ(parse_duration("1.5h").value(), std::chrono::minutes(90));
    EXPECT_EQ(parse_duration("2d").value(), std::chrono::hours(48));
    EXPECT_FALSE(parse_duration("10 minutes"));
    EXPECT_FALSE(parse_duration("-5s"));
    EXPECT_FALSE(parse_duration(""));
}

}  // namespace
}  // namespace cs::config

#include "relay/agent_link/protocol/messages.hpp"

#include <gtest/gtest.h>

namespace cs::relay::agent_link {
namespace {

const std::string kStream = "0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6b";

TEST(MessagesTest, ParsesHelloAndIgnoresUnknownFields) {
    auto m = parse_control(R"({"type":"hello","protocols":[1,2],"agent_id":"a1",
        "agent_version":"1.2.3","host":"h","os":"windows","streams":[")" +
                               std::string("0190F5E2-7A41-7C3E-8B5D-2F1E3C4D5A6B") +
                               R"("],"future_field":{"x":1}})",
                           {});
    ASSERT_TRUE(m) << m.error().message;
    auto& h = std::get<Hello>(*m);
    EXPECT_EQ(h.protocols, (std::vector<int>{1, 2}));
    EXPECT_EQ(h.agent_version, "1.2.3");
    EXPECT_EQ(h.streams, std::vector<std::string>{kStream});  // canonical lowercase
}

TEST(MessagesTest, RefusesWhatItCannotUseNamingTheField) {
    struct Case {
        const char* json;
        const char* expected;
    } cases[] = {
        {"not json", "malformed JSON"},
        {"[1]", "must be a JSON object"},
        {R"({"protocols":[1]})", "needs a string \"type\""},
        {R"({"type":"gossip"})", "unknown message type 'gossip'"},
        {R"({"type":"hello"})", "hello message: protocols"},
        {R"({"type":"hello","protocols":[1],"streams":["x"]})", "every stream id must be a UUID"},
        {R"({"type":"hello","protocols":[1],"agent_id":7})", "agent_id: must be a string"},
        {R"({"type":"heartbeat","status":[]})", "heartbeat message: status"},
        {R"({"type":"run_report","run_id":"r","entity":"e"})", "run_report message: status"},
        {R"({"type":"run_report","run_id":"r","entity":"e","status":"ok","counts":3})",
         "counts: must be an object"},
        {R"({"type":"failed_rows","entity":"e","rows":[{"error":"x"}]})", "rows[].id"},
        {R"({"type":"command_result","id":"nope","ok":true})", "id: must be a UUID"},
        {R"({"type":"command_result","id":"0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6b"})", "ok:"},
    };
    for (const auto& c : cases) {
        auto m = parse_control(c.json, {});
        ASSERT_FALSE(m) << c.json;
        EXPECT_NE(m.error().message.find(c.expected), std::string::npos)
            << c.json << " -> " << m.error().message;
    }
}

TEST(MessagesTest, LimitsNestingStreamsAndFailedRows) {
    std::string deep =
        R"({"type":"heartbeat","status":)" + std::string(40, '[') + std::string(40, ']') + "}";
    auto d = parse_control(deep, {});
    ASSERT_FALSE(d);
    EXPECT_NE(d.error().message.find("nested deeper than 32"), std::string::npos);

    std::string rows = R"({"type":"failed_rows","entity":"e","rows":[)";
    for (int i = 0; i < 3; ++i) {
        rows += std::string(i ? "," : "") + R"({"id":)" + std::to_string(i) + "}";
    }
    rows += "]}";
    EXPECT_TRUE(parse_control(rows, {.max_streams = 64, .max_failed_rows = 3}));
    EXPECT_FALSE(parse_control(rows, {.max_streams = 64, .max_failed_rows = 2}));
}

TEST(MessagesTest, KeepsRunReportsWholeAndTimesOnlyWhenReadable) {
    auto m = parse_control(R"({"type":"run_report","run_id":"r1","entity":"items","status":"ok",
        "started_at":"2026-01-02T03:04:05Z","finished_at":"yesterday","counts":{"fetched":10},
        "error":null,"extra":true})",
                           {});
    ASSERT_TRUE(m) << m.error().message;
    auto& r = std::get<RunReport>(*m);
    EXPECT_EQ(r.started_at, "2026-01-02T03:04:05Z");
    EXPECT_FALSE(r.finished_at);
    EXPECT_EQ(r.counts["fetched"], 10);
    EXPECT_TRUE(r.message["extra"].get<bool>());
    EXPECT_FALSE(r.error);
}

TEST(MessagesTest, WritesWelcomeAckAndCommand) {
    auto welcome = nlohmann::json::parse(
        welcome_json({"1.0", "site", "tenant", {{kStream, 41}}, 16u << 20, 8, 15}));
    EXPECT_EQ(welcome["type"], "welcome");
    EXPECT_EQ(welcome["protocol"], 1);
    EXPECT_EQ(welcome["streams"][0]["last_sequence"], 41);
    EXPECT_EQ(welcome["window"], 8);
    EXPECT_EQ(welcome["max_frame_bytes"], 16u << 20);

    apply::ApplyOutcome o;
    o.inserted = 2;
    o.deleted = 1;
    auto ack = nlohmann::json::parse(ack_json(kStream, 42, o));
    EXPECT_EQ(ack, (nlohmann::json{{"type", "ack"},
                                   {"stream_id", kStream},
                                   {"sequence", 42},
                                   {"status", "applied"},
                                   {"rows", 3}}));
    o.verdict = apply::Verdict::rejected;
    o.error = "bad \xff";
    auto rejected = nlohmann::json::parse(ack_json(kStream, 43, o));
    EXPECT_EQ(rejected["status"], "rejected");
    EXPECT_EQ(rejected["error"], "bad \xEF\xBF\xBD");

    auto command = nlohmann::json::parse(command_json({"id-1", "sync_now", "items"}));
    EXPECT_EQ(command["entity"], "items");
}

}  // namespace
}  // namespace cs::relay::agent_link

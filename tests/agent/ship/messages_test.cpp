#include "agent/ship/messages.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cs::agent::ship {
namespace {

using nlohmann::json;

const std::string kStream = "0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6b";

json welcome() {
    return {{"type", "welcome"},
            {"protocol", 1},
            {"relay_version", "1.2.3"},
            {"site_id", "s1"},
            {"tenant_id", "t1"},
            {"streams",
             {{{"stream_id", "other"}, {"last_sequence", 99}},
              {{"stream_id", kStream}, {"last_sequence", 41}}}},
            {"max_frame_bytes", 1 << 20},
            {"window", 4},
            {"heartbeat_seconds", 10}};
}

TEST(MessagesTest, HelloListsProtocolsAndTheStream) {
    auto j = json::parse(hello_message({"agent-1", "0.1.0", "host1", "Linux", {kStream}}));
    EXPECT_EQ(j["type"], "hello");
    EXPECT_EQ(j["protocols"], json::array({1}));
    EXPECT_EQ(j["agent_id"], "agent-1");
    EXPECT_EQ(j["agent_version"], "0.1.0");
    EXPECT_EQ(j["host"], "host1");
    EXPECT_EQ(j["os"], "Linux");
    EXPECT_EQ(j["streams"], json::array({kStream}));
}

TEST(MessagesTest, WelcomePicksThisAgentsStream) {
    auto in = parse_incoming(welcome().dump(), kStream).value();
    auto& w = std::get<Welcome>(in.message);
    EXPECT_EQ(w.protocol, 1);
    EXPECT_EQ(w.last_sequence, 41u);
    EXPECT_EQ(w.window, 4u);
    EXPECT_EQ(w.max_frame_bytes, 1u << 20);
    EXPECT_EQ(w.heartbeat, std::chrono::seconds(10));
    EXPECT_EQ(w.site_id, "s1");
    auto fresh = parse_incoming(welcome().dump(), "new-stream").value();
    EXPECT_EQ(std::get<Welcome>(fresh.message).last_sequence, 0u);
}

TEST(MessagesTest, WelcomeFieldsAreChecked) {
    auto without = [](const char* field) {
        auto j = welcome();
        j.erase(field);
        return j.dump();
    };
    for (const char* field :
         {"protocol", "window", "max_frame_bytes", "heartbeat_seconds", "streams"}) {
        auto r = parse_incoming(without(field), kStream);
        ASSERT_FALSE(r) << field;
        EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
    }
    auto zero_window = welcome();
    zero_window["window"] = 0;
    EXPECT_FALSE(parse_incoming(zero_window.dump(), kStream));
    auto negative = welcome();
    negative["streams"][1]["last_sequence"] = -1;
    EXPECT_FALSE(parse_incoming(negative.dump(), kStream));
    auto text_window = welcome();
    text_window["window"] = "8";
    EXPECT_FALSE(parse_incoming(text_window.dump(), kStream));
    auto huge_frames = welcome();
    huge_frames["max_frame_bytes"] = 1u << 30;
    auto capped = parse_incoming(huge_frames.dump(), kStream).value();
    EXPECT_EQ(std::get<Welcome>(capped.message).max_frame_bytes, kMaxFrameBytes);
}

TEST(MessagesTest, AcksAndCommandsParse) {
    auto ack =
        parse_incoming(
            R"({"type":"ack","stream_id":"s","sequence":7,"status":"rejected","error":"bad"})",
            kStream)
            .value();
    auto& a = std::get<Ack>(ack.message);
    EXPECT_EQ(a.sequence, 7u);
    EXPECT_EQ(a.status, AckStatus::rejected);
    EXPECT_EQ(a.error, "bad");
    EXPECT_FALSE(
        parse_incoming(R"({"type":"ack","stream_id":"s","sequence":7,"status":"maybe"})", kStream));
    EXPECT_FALSE(parse_incoming(R"({"type":"ack","stream_id":"s","sequence":0,"status":"applied"})",
                                kStream));
    auto command =
        parse_incoming(R"({"type":"command","id":"c1","command":"sync_now","entity":"items"})",
                       kStream)
            .value();
    auto& c = std::get<RelayCommand>(command.message);
    EXPECT_EQ(c.id, "c1");
    EXPECT_EQ(c.command, "sync_now");
    EXPECT_EQ(c.entity, "items");
    EXPECT_FALSE(parse_incoming(R"({"type":"command","id":"","command":"sync_now"})", kStream));
}

TEST(MessagesTest, UnknownTypesParseAndGarbageDoesNot) {
    auto unknown = parse_incoming(R"({"type":"future_thing","x":1})", kStream).value();
    EXPECT_EQ(unknown.type, "future_thing");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(unknown.message));
    EXPECT_FALSE(parse_incoming("not json", kStream));
    EXPECT_FALSE(parse_incoming("[1,2]", kStream));
    EXPECT_FALSE(parse_incoming(R"({"no_type":1})", kStream));
    EXPECT_FALSE(parse_incoming(std::string(100000, '['), kStream));
}

FailedRow failed(std::int64_t id, const std::string& entity, std::size_t raw_bytes = 10) {
    FailedRow row;
    row.id = id;
    row.run_id = "run-1";
    row.entity = entity;
    row.stage = "normalize";
    row.field = "price";
    row.error = "'12,5x' is not a number";
    row.source = "vendor.csv";
    row.location.line = static_cast<std::uint64_t>(id) + 1;
    row.raw = std::string(raw_bytes, 'r');
    return row;
}

TEST(MessagesTest, FailedRowsSplitByEntityCountAndSize) {
    std::vector<FailedRow> rows;
    for (int i = 1; i <= 1200; ++i) {
        rows.push_back(failed(i, "prices"));
    }
    rows.push_back(failed(1201, "items"));
    auto messages = failed_rows_messages(rows);
    ASSERT_EQ(messages.size(), 4u);
    std::vector<std::size_t> sizes;
    for (const auto& text : messages) {
        EXPECT_LE(text.size(), kMaxTextBytes);
        auto j = json::parse(text);
        EXPECT_EQ(j["type"], "failed_rows");
        sizes.push_back(j["rows"].size());
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{500, 500, 200, 1}));
    auto last = json::parse(messages[3]);
    EXPECT_EQ(last["entity"], "items");
    auto first_row = json::parse(messages[0])["rows"][0];
    EXPECT_EQ(first_row["id"], 1);
    EXPECT_EQ(first_row["run_id"], "run-1");
    EXPECT_EQ(first_row["stage"], "normalize");
    EXPECT_EQ(first_row["field"], "price");
    EXPECT_EQ(first_row["location"]["source"], "vendor.csv");
    EXPECT_EQ(first_row["location"]["line"], 2);
    EXPECT_EQ(first_row["raw"], "rrrrrrrrrr");
}

TEST(MessagesTest, LargeRawRowsAreTruncatedAndMessagesStayUnderTheLimit) {
    std::vector<FailedRow> rows;
    for (int i = 1; i <= 40; ++i) {
        rows.push_back(failed(i, "prices", 200'000));
    }
    auto messages = failed_rows_messages(rows);
    std::size_t total = 0;
    for (const auto& text : messages) {
        ASSERT_LE(text.size(), kMaxTextBytes);
        auto j = json::parse(text);
        for (const auto& row : j["rows"]) {
            EXPECT_TRUE(row["raw_truncated"].get<bool>());
            EXPECT_LE(row["raw"].get<std::string>().size(), kMaxReportedRawBytes + 4);
            ++total;
        }
    }
    EXPECT_EQ(total, 40u);
    EXPECT_GT(messages.size(), 1u);
}

TEST(MessagesTest, InvalidUtf8IsReplacedNotThrown) {
    auto row = failed(1, "prices");
    row.raw = "caf\xe9;12";  // Windows-1252 bytes in a raw row
    auto messages = failed_rows_messages({row});
    ASSERT_EQ(messages.size(), 1u);
    auto j = json::parse(messages[0]);
    EXPECT_EQ(j["rows"][0]["raw"], "caf\xef\xbf\xbd;12");
}

TEST(MessagesTest, RunReportAndCommandResult) {
    RunRecord run;
    run.run_id = "r1";
    run.entity = "items";
    run.status = RunStatus::succeeded;
    run.counts.fetched = 10;
    auto j = json::parse(run_report_message(run));
    EXPECT_EQ(j["type"], "run_report");
    EXPECT_EQ(j["run_id"], "r1");
    EXPECT_EQ(j["counts"]["fetched"], 10);
    run.error = std::string(2u << 20, 'e');
    auto big = run_report_message(run);
    EXPECT_LE(big.size(), kMaxTextBytes);
    auto result = json::parse(command_result_message({"c1", true, "done", "r1"}));
    EXPECT_EQ(result, json({{"type", "command_result"},
                            {"id", "c1"},
                            {"ok", true},
                            {"message", "done"},
                            {"run_id", "r1"}}));
    auto no_run = json::parse(command_result_message({"c2", false, "nope", ""}));
    EXPECT_TRUE(no_run["run_id"].is_null());
}

}  // namespace
}  // namespace cs::agent::ship

#include "agent/ship/protocol_session.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/outbox/outbox.hpp"
#include "agent/track/run_record.hpp"
#include "agent/validate/failed_row.hpp"
#include "common/wire/codec.hpp"
#include "tests/agent/ship/ship_test_support.hpp"

namespace cs::agent::ship {
namespace {

using nlohmann::json;

// Stands in for the WebSocket: records what the session sends. Writes finish
// at once unless `hold_writes` is set, then drain() finishes them.
class RecordingIo final : public SessionIo {
public:
    void send_text(std::string text) override { texts.push_back(std::move(text)); }
    void send_binary(std::string frame) override {
        binaries.push_back(wire::decode(frame).value().set.sequence);
        if (hold_writes) {
            ++held;
        }
    }
    void send_ping(std::string payload) override { pings.push_back(std::move(payload)); }
    void close(std::uint16_t code, std::string reason) override {
        closed_code = code;
        closed_reason = std::move(reason);
    }
    std::size_t queued() const override { return held; }
    std::size_t queued_binary() const override { return held; }
    void welcomed(std::chrono::seconds interval) override { heartbeat = interval; }

    std::vector<json> of_type(const std::string& type) const {
        std::vector<json> out;
        for (const auto& t : texts) {
            auto j = json::parse(t);
            if (j["type"] == type) {
                out.push_back(j);
            }
        }
        return out;
    }

    std::vector<std::string> texts;
    std::vector<std::uint64_t> binaries;
    std::vector<std::string> pings;
    std::uint16_t closed_code = 0;
    std::string closed_reason;
    std::chrono::seconds heartbeat{0};
    bool hold_writes = false;
    std::size_t held = 0;
};

class ProtocolSessionTest : public ::testing::Test {
protected:
    ProtocolSessionTest()
        : store_(StateDb::open(dir_ / "state.db").value()),
          options_(testing::test_options(dir_ / "state.db", 1)),
          env_{options_,
               store_,
               delivery_,
               board_,
               results_,
               [this](const RelayCommand& c) { dispatched_.push_back(c); },
               std::chrono::steady_clock::now()},
          session_(env_, io_) {
        options_.window = 8;
    }

    void welcome(std::uint64_t last = 0, std::size_t window = 8, std::size_t max_frame = 16u << 20,
                 int protocol = 1) {
        session_.on_text(json{
            {"type", "welcome"},
            {"protocol", protocol},
            {"relay_version", "r"},
            {"site_id", "site"},
            {"tenant_id", "tenant"},
            {"streams", {{{"stream_id", store_.stream_id()}, {"last_sequence", last}}}},
            {"max_frame_bytes", max_frame},
            {"window", window},
            {"heartbeat_seconds",
             7}}.dump());
    }

    void ack(std::uint64_t sequence, const std::string& status, const std::string& error = "") {
        json j = {{"type", "ack"},
                  {"stream_id", store_.stream_id()},
                  {"sequence", sequence},
                  {"status", status},
                  {"rows", 1}};
        if (!error.empty()) {
            j["error"] = error;
        }
        session_.on_text(j.dump());
    }

    agent::testing::TempDir dir_;
    StateDb store_;
    UplinkOptions options_;
    DeliveryWindow delivery_;
    StatusBoard board_;
    std::deque<CommandResult> results_;
    std::vector<RelayCommand> dispatched_;
    SessionEnv env_;
    RecordingIo io_;
    ProtocolSession session_;
};

TEST_F(ProtocolSessionTest, SaysHelloWithItsStream) {
    session_.start();
    ASSERT_EQ(io_.texts.size(), 1u);
    auto hello = json::parse(io_.texts[0]);
    EXPECT_EQ(hello["type"], "hello");
    EXPECT_EQ(hello["streams"], json::array({store_.stream_id()}));
    EXPECT_EQ(hello["agent_version"], "9.9.9-test");
    EXPECT_EQ(hello["host"], "test-host");
}

TEST_F(ProtocolSessionTest, WelcomeTrimsTheOutboxThenFillsTheSmallerWindow) {
    testing::fill_outbox(store_, 10);
    welcome(4, 3);
    EXPECT_EQ(testing::outbox_depth(store_), 6);
    EXPECT_EQ(io_.binaries, (std::vector<std::uint64_t>{5, 6, 7}));
    EXPECT_EQ(io_.heartbeat, std::chrono::seconds(7));
    auto status = board_.snapshot();
    EXPECT_EQ(status.state, LinkState::connected);
    EXPECT_EQ(status.site_id, "site");
    EXPECT_EQ(status.sent, 3);
}

TEST_F(ProtocolSessionTest, AcksDeleteEntriesAndOpenTheWindow) {
    testing::fill_outbox(store_, 5);
    welcome(0, 2);
    EXPECT_EQ(io_.binaries, (std::vector<std::uint64_t>{1, 2}));
    ack(1, "applied");
    EXPECT_EQ(testing::outbox_depth(store_), 4);
    EXPECT_EQ(io_.binaries, (std::vector<std::uint64_t>{1, 2, 3}));
    ack(2, "duplicate");
    ack(3, "applied");
    ack(4, "applied");
    ack(5, "applied");
    EXPECT_EQ(testing::outbox_depth(store_), 0);
    EXPECT_EQ(io_.binaries.size(), 5u);
    auto status = board_.snapshot();
    EXPECT_EQ(status.applied, 4);
    EXPECT_EQ(status.duplicates, 1);
    EXPECT_TRUE(status.drained);
}

TEST_F(ProtocolSessionTest, RejectedSetMovesToTheQuarantineWithTheReason) {
    testing::fill_outbox(store_, 3);
    welcome();
    ack(1, "applied");
    ack(2, "rejected", "conflict: sequence 2 was applied with other content");
    ack(3, "applied");
    EXPECT_EQ(testing::outbox_depth(store_), 0);
    auto quarantined = Outbox(store_.db()).quarantined(10).value();
    ASSERT_EQ(quarantined.size(), 1u);
    EXPECT_EQ(quarantined[0].sequence, 2u);
    auto status = board_.snapshot();
    EXPECT_EQ(status.rejected, 1);
    EXPECT_NE(status.last_rejection.find("conflict"), std::string::npos);
    EXPECT_EQ(io_.closed_code, 0);
}

TEST_F(ProtocolSessionTest, HoldsAtMostTwoFramesInMemoryWhateverTheWindow) {
    testing::fill_outbox(store_, 10);
    io_.hold_writes = true;
    welcome(0, 8);
    EXPECT_EQ(io_.binaries.size(), 2u);
    io_.held = 0;
    session_.on_written();
    EXPECT_EQ(io_.binaries.size(), 4u);
    io_.held = 0;
    session_.on_written();
    io_.held = 0;
    session_.on_written();
    io_.held = 0;
    session_.on_written();
    EXPECT_EQ(io_.binaries.size(), 8u);  // the window, not more
}

TEST_F(ProtocolSessionTest, OversizedFrameBlocksShippingWithAClearReason) {
    testing::fill_outbox(store_, 2, "items", 4000);
    welcome(0, 8, 2048);
    EXPECT_TRUE(io_.binaries.empty());
    auto status = board_.snapshot();
    EXPECT_NE(status.blocked.find("change set 1"), std::string::npos);
    EXPECT_NE(status.blocked.find("max_frame_bytes (2048)"), std::string::npos);
    EXPECT_EQ(testing::outbox_depth(store_), 2);
    EXPECT_FALSE(status.drained);
}

TEST_F(ProtocolSessionTest, ProtocolViolationsCloseWith4000) {
    ack(1, "applied");  // before the welcome
    EXPECT_EQ(io_.closed_code, 4000);
    EXPECT_EQ(session_.failure(), LinkFailure::protocol_violation);
    EXPECT_NE(io_.closed_reason.find("before welcome"), std::string::npos);
}

TEST_F(ProtocolSessionTest, BinaryFromTheRelayIsAViolation) {
    welcome();
    session_.on_binary();
    EXPECT_EQ(io_.closed_code, 4000);
}

TEST_F(ProtocolSessionTest, AckForAnotherStreamIsAViolation) {
    welcome();
    session_.on_text(
        R"({"type":"ack","stream_id":"someone-else","sequence":1,"status":"applied"})");
    EXPECT_EQ(io_.closed_code, 4000);
}

TEST_F(ProtocolSessionTest, UnknownVersionIsRefusedWith4002) {
    welcome(0, 8, 16u << 20, 2);
    EXPECT_EQ(io_.closed_code, 4002);
    EXPECT_EQ(session_.failure(), LinkFailure::unsupported_protocol);
    EXPECT_NE(io_.closed_reason.find("protocol 2"), std::string::npos);
}

TEST_F(ProtocolSessionTest, UnknownMessageTypesAreIgnored) {
    welcome();
    session_.on_text(R"({"type":"news_from_the_future"})");
    EXPECT_EQ(io_.closed_code, 0);
}

TEST_F(ProtocolSessionTest, HeartbeatCarriesTheAgentStatus) {
    testing::fill_outbox(store_, 2);
    welcome(0, 1);
    auto beats = io_.of_type("heartbeat");
    ASSERT_EQ(beats.size(), 1u);
    auto status = beats[0]["status"];
    EXPECT_EQ(status["agent_version"], "9.9.9-test");
    EXPECT_EQ(status["host"], "test-host");
    EXPECT_EQ(status["os"], "TestOS 1.0");
    EXPECT_TRUE(status["uptime_seconds"].is_number());
    EXPECT_EQ(status["outbox"]["depth"], 2);
    EXPECT_TRUE(status["outbox"]["bytes"].get<int>() > 0);
    EXPECT_TRUE(status["outbox"]["oldest_age_seconds"].is_number());
    EXPECT_TRUE(status["last_runs"].is_array());
    EXPECT_TRUE(status["failed_rows"].is_object());
    EXPECT_EQ(status["connection"]["state"], "connected");
    session_.on_heartbeat();
    EXPECT_EQ(io_.of_type("heartbeat").size(), 2u);
}

TEST_F(ProtocolSessionTest, ReportsAreMarkedOnlyAfterTheBarrierPong) {
    RunRecord run;
    run.run_id = "run-7";
    run.entity = "items";
    run.mode = "full";
    run.status = RunStatus::succeeded;
    run.started_at = 1;
    run.finished_at = 2;
    ASSERT_TRUE(RunStore(store_.db()).save(run));
    FailedRowStore failed(store_.db());
    for (int i = 0; i < 3; ++i) {
        FailedRow row;
        row.run_id = "run-7";
        row.entity = "items";
        row.stage = "normalize";
        row.error = "bad number";
        row.raw = "x";
        row.created_at = 5;
        ASSERT_TRUE(failed.insert(row));
    }
    welcome();
    ASSERT_EQ(io_.of_type("run_report").size(), 1u);
    EXPECT_EQ(io_.of_type("run_report")[0]["run_id"], "run-7");
    ASSERT_EQ(io_.of_type("failed_rows").size(), 1u);
    EXPECT_EQ(io_.of_type("failed_rows")[0]["rows"].size(), 3u);
    ASSERT_EQ(io_.pings.size(), 1u);
    EXPECT_FALSE(board_.snapshot().drained);

    session_.on_pong("keepalive");
    EXPECT_EQ(RunStore(store_.db()).unreported(10).value().size(), 1u);
    EXPECT_EQ(failed.unreported(10).value().size(), 3u);

    session_.on_pong(io_.pings[0]);
    EXPECT_TRUE(RunStore(store_.db()).unreported(10).value().empty());
    EXPECT_TRUE(failed.unreported(10).value().empty());
    EXPECT_EQ(io_.of_type("run_report").size(), 1u);  // not sent twice
    EXPECT_TRUE(board_.snapshot().drained);
}

TEST_F(ProtocolSessionTest, CommandsAreDispatchedAndUnknownOnesAnswered) {
    welcome();
    session_.on_text(R"({"type":"command","id":"c1","command":"full_resync","entity":"items"})");
    ASSERT_EQ(dispatched_.size(), 1u);
    EXPECT_EQ(dispatched_[0].id, "c1");
    EXPECT_EQ(dispatched_[0].command, "full_resync");
    EXPECT_EQ(dispatched_[0].entity, "items");
    session_.on_text(R"({"type":"command","id":"c2","command":"format_disk"})");
    EXPECT_EQ(dispatched_.size(), 1u);
    auto answers = io_.of_type("command_result");
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0]["id"], "c2");
    EXPECT_FALSE(answers[0]["ok"].get<bool>());
    EXPECT_NE(answers[0]["message"].get<std::string>().find("format_disk"), std::string::npos);

    results_.push_back({"c1", true, "1 run", "run-9"});
    session_.on_results();
    answers = io_.of_type("command_result");
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[1]["run_id"], "run-9");
}

TEST_F(ProtocolSessionTest, DrainedOnlyWhenTheOutboxIsReallyEmpty) {
    testing::fill_outbox(store_, 1);
    welcome();
    EXPECT_FALSE(board_.snapshot().drained);
    ack(1, "applied");
    EXPECT_TRUE(board_.snapshot().drained);
    testing::fill_outbox(store_, 1);
    session_.on_outbox_changed();
    EXPECT_FALSE(board_.snapshot().drained);
    EXPECT_EQ(io_.binaries.back(), 2u);
}

}  // namespace
}  // namespace cs::agent::ship

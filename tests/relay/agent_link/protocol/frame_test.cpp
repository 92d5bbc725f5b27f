#include "relay/agent_link/protocol/frame.hpp"

#include <gtest/gtest.h>

namespace cs::relay::agent_link {
namespace {

const char* kHello = R"({"type":"hello","protocols":[1]})";
const char* kHeartbeat = R"({"type":"heartbeat","status":{}})";

FrameContext at(LinkState state) {
    FrameContext c;
    c.state = state;
    c.max_text_bytes = 1024;
    c.max_frame_bytes = 2048;
    return c;
}

std::uint16_t close_code_of(const FrameAction& a) {
    auto* c = std::get_if<CloseAction>(&a);
    return c ? c->code : 0;
}

TEST(FrameTest, FollowsHelloWelcomeTraffic) {
    EXPECT_TRUE(std::holds_alternative<ControlMessage>(
        interpret_frame(true, kHello, at(LinkState::awaiting_hello))));
    EXPECT_EQ(close_code_of(interpret_frame(true, kHeartbeat, at(LinkState::awaiting_hello))),
              close_code::protocol_violation);
    EXPECT_EQ(close_code_of(interpret_frame(true, kHeartbeat, at(LinkState::awaiting_welcome))),
              close_code::protocol_violation);
    EXPECT_EQ(close_code_of(interpret_frame(true, kHello, at(LinkState::running))),
              close_code::protocol_violation);
    EXPECT_TRUE(std::holds_alternative<ControlMessage>(
        interpret_frame(true, kHeartbeat, at(LinkState::running))));
}

TEST(FrameTest, BinaryOnlyAfterWelcome) {
    auto early = interpret_frame(false, "CSCS", at(LinkState::awaiting_welcome));
    EXPECT_EQ(close_code_of(early), close_code::protocol_violation);
    EXPECT_EQ(std::get<CloseAction>(early).reason, "binary frame before welcome");
    EXPECT_TRUE(std::holds_alternative<ChangeSetFrame>(
        interpret_frame(false, "anything", at(LinkState::running))));
}

TEST(FrameTest, OversizedMessagesCloseWith1009) {
    EXPECT_EQ(close_code_of(interpret_frame(false, std::string(2049, 'x'), at(LinkState::running))),
              close_code::too_big);
    EXPECT_EQ(close_code_of(interpret_frame(true, std::string(1025, ' '), at(LinkState::running))),
              close_code::too_big);
}

TEST(FrameTest, AMessageIsRefusedAsSoonAsWhatArrivedIsOverItsLimit) {
    auto ctx = at(LinkState::running);
    EXPECT_FALSE(oversized(false, 2048, false, ctx));
    EXPECT_FALSE(oversized(true, 1024, true, ctx));
    auto partial = oversized(false, 4096, false, ctx);
    ASSERT_TRUE(partial);
    EXPECT_EQ(partial->code, close_code::too_big);
    EXPECT_EQ(partial->reason,
              "change set frame of at least 4096 bytes exceeds max_frame_bytes 2048");
    auto whole = oversized(true, 1025, true, ctx);
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->reason, "text message of 1025 bytes exceeds the limit of 1024");
    EXPECT_LE(partial->reason.size(), 123u) << "sent as the close reason";
}

TEST(FrameTest, MalformedJsonClosesWith4000AndAShortReason) {
    auto a = interpret_frame(true, "{\"type\":\"gossip\"" + std::string(500, ' ') + "}",
                             at(LinkState::running));
    ASSERT_EQ(close_code_of(a), close_code::protocol_violation);
    EXPECT_NE(std::get<CloseAction>(a).reason.find("unknown message type"), std::string::npos);
    EXPECT_LE(close_reason_text(std::string(300, 'x')).size(), 123u);
    // Never cuts a multi-byte character in half.
    auto cut = close_reason_text(std::string(122, 'x') + "\xC3\xA9\xC3\xA9");
    EXPECT_EQ(cut, std::string(122, 'x'));
}

}  // namespace
}  // namespace cs::relay::agent_link

// Fuzzes the relay's handling of one received WebSocket message: the first
// byte picks text or binary and the session state, the rest is the message.
// interpret_frame must never crash and must honour its limits; a binary frame
// it accepts goes through the apply engine's preparation (decode, validation,
// COPY rendering) and, when refused, the identity peek used for rejected acks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "relay/agent_link/protocol/frame.hpp"
#include "relay/apply/prepare.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

const cs::relay::apply::SiteRef kSite{"0190f5e2-7a41-7c3e-8b5d-000000000001",
                                      "0190f5e2-7a41-7c3e-8b5d-000000000002"};

void check(bool condition) {
    if (!condition) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    using namespace cs::relay::agent_link;
    bool is_text = (data[0] & 1) != 0;
    auto state = static_cast<LinkState>((data[0] >> 1) % 3);
    std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
    FrameContext context;
    context.state = state;
    context.max_text_bytes = 64 * 1024;
    context.max_frame_bytes = 1u << 20;
    context.messages = {.max_streams = 8, .max_failed_rows = 50};

    auto action = interpret_frame(is_text, payload, context);
    if (auto* close = std::get_if<CloseAction>(&action)) {
        check(close->reason.size() <= 123);
        check(close->code == close_code::too_big || close->code == close_code::protocol_violation);
        return 0;
    }
    if (auto* message = std::get_if<ControlMessage>(&action)) {
        check(is_text);
        check(state != LinkState::awaiting_welcome);
        check(std::holds_alternative<Hello>(*message) == (state == LinkState::awaiting_hello));
        if (auto* hello = std::get_if<Hello>(message)) {
            check(hello->streams.size() <= 8 && !hello->protocols.empty());
        }
        if (auto* rows = std::get_if<FailedRows>(message)) {
            check(rows->rows.size() <= 50);
        }
        return 0;
    }
    check(!is_text && state == LinkState::running);
    cs::wire::Limits limits;
    limits.max_body_bytes = 4u << 20;  // keeps the fuzzer's memory use modest
    auto prepared = cs::relay::apply::prepare(payload, limits, kSite);
    if (prepared) {
        check(prepared->sequence > 0);
        check(prepared->live_rows + prepared->removes == prepared->row_count);
        check(prepared->copy_data.size() >= 13);
    } else {
        (void)cs::relay::apply::peek_identity(payload, limits);
    }
    return 0;
}

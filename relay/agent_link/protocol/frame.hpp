#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "relay/agent_link/protocol/messages.hpp"

namespace cs::relay::agent_link {

// WebSocket close codes of docs/protocol.md.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;  // relay shutting down
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t transient = 1011;  // reconnect with backoff and resend
inline constexpr std::uint16_t try_later = 1013;  // site lock busy
inline constexpr std::uint16_t protocol_violation = 4000;
inline constexpr std::uint16_t no_common_protocol = 4002;
inline constexpr std::uint16_t key_revoked = 4003;
inline constexpr std::uint16_t replaced = 4004;
inline constexpr std::uint16_t site_quota = 4005;  // a per-site quota (limits.*_per_site) reached
}  // namespace close_code

// Where the session is in hello -> welcome -> traffic.
enum class LinkState { awaiting_hello, awaiting_welcome, running };

struct FrameContext {
    LinkState state = LinkState::awaiting_hello;
    std::size_t max_text_bytes = 1u << 20;
    std::size_t max_frame_bytes = 16u << 20;
    MessageLimits messages;
};

// What to do with one received WebSocket message.
struct CloseAction {
    std::uint16_t code;
    std::string reason;
};
struct ChangeSetFrame {};  // a binary frame to decode and apply in stream order

using FrameAction = std::variant<ControlMessage, ChangeSetFrame, CloseAction>;

// The 1009 close for a message over its size limit (text or binary), or
// nullopt. Checked while the message arrives, so an oversized one is refused
// before it is held whole: `complete` says whether `bytes` is its whole size
// or only what has arrived so far.
std::optional<CloseAction> oversized(bool is_text, std::size_t bytes, bool complete,
                                     const FrameContext& context);

// Turns a received message (text or binary) into an action, enforcing the
// message size limits and the session order of docs/protocol.md. Pure: no I/O,
// no database; fuzzed by tests/fuzz/relay_frame_fuzz.cpp.
FrameAction interpret_frame(bool is_text, std::string_view payload, const FrameContext& context);

// WebSocket close reasons are limited to 123 bytes; cut at a UTF-8 boundary.
std::string close_reason_text(std::string_view reason);

}  // namespace cs::relay::agent_link

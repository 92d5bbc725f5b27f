#include "relay/agent_link/protocol/frame.hpp"

#include <fmt/format.h>

namespace cs::relay::agent_link {

std::string close_reason_text(std::string_view reason) {
    constexpr std::size_t kMax = 123;
    if (reason.size() <= kMax) {
        return std::string(reason);
    }
    std::size_t cut = kMax;
    // Step back over continuation bytes so a multi-byte character is not split.
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return std::string(reason.substr(0, cut));
}

std::optional<CloseAction> oversized(bool is_text, std::size_t bytes, bool complete,
                                     const FrameContext& context) {
    std::string_view size = complete ? "" : "at least ";
    if (!is_text && bytes > context.max_frame_bytes) {
        return CloseAction{close_code::too_big,
                           fmt::format("change set frame of {}{} bytes exceeds max_frame_bytes {}",
                                       size, bytes, context.max_frame_bytes)};
    }
    if (is_text && bytes > context.max_text_bytes) {
        return CloseAction{close_code::too_big,
                           fmt::format("text message of {}{} bytes exceeds the limit of {}", size,
                                       bytes, context.max_text_bytes)};
    }
    return std::nullopt;
}

FrameAction interpret_frame(bool is_text, std::string_view payload, const FrameContext& context) {
    if (auto refused = oversized(is_text, payload.size(), true, context)) {
        return std::move(*refused);
    }
    if (!is_text) {
        if (context.state != LinkState::running) {
            return CloseAction{close_code::protocol_violation, "binary frame before welcome"};
        }
        return ChangeSetFrame{};
    }
    auto message = parse_control(payload, context.messages);
    if (!message) {
        return CloseAction{close_code::protocol_violation,
                           close_reason_text(message.error().message)};
    }
    bool is_hello = std::holds_alternative<Hello>(*message);
    if (context.state == LinkState::awaiting_hello && !is_hello) {
        return CloseAction{close_code::protocol_violation, "the first message must be hello"};
    }
    if (context.state != LinkState::awaiting_hello && is_hello) {
        return CloseAction{close_code::protocol_violation, "hello sent twice"};
    }
    if (context.state == LinkState::awaiting_welcome) {
        return CloseAction{close_code::protocol_violation, "message sent before welcome"};
    }
    return std::move(*message);
}

}  // namespace cs::relay::agent_link

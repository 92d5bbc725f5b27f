#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "relay/apply/engine.hpp"

namespace cs::relay::agent_link {

// The protocol versions this relay speaks (docs/protocol.md).
inline constexpr int kProtocolVersion = 1;

// Control messages an agent sends (JSON text frames), validated.
struct Hello {
    std::vector<int> protocols;
    std::string agent_id;
    std::string agent_version;
    std::string host;
    std::string os;
    std::vector<std::string> streams;  // canonical UUIDs
};

struct Heartbeat {
    nlohmann::json status;  // an object; stored as the site's latest status
};

struct RunReport {
    std::string run_id;
    std::string entity;
    std::string status;
    std::optional<std::string> started_at;   // ISO 8601 when valid
    std::optional<std::string> finished_at;  // ISO 8601 when valid
    nlohmann::json counts;                   // object or null
    nlohmann::json durations;                // object or null
    std::optional<std::string> error;
    nlohmann::json message;  // the whole message, kept for fields added later
};

struct FailedRow {
    std::string id;
    std::optional<std::string> run_id;
    std::optional<std::string> stage;
    std::optional<std::string> field;
    std::optional<std::string> error;
    std::optional<std::string> value;
    std::optional<std::string> location;  // JSON text when the agent sent an object
    std::optional<std::string> raw;
    bool raw_truncated = false;
    std::optional<std::int64_t> created_at_us;  // only when a plausible time
};

struct FailedRows {
    std::string entity;
    std::vector<FailedRow> rows;
};

struct CommandResult {
    std::string id;  // canonical UUID
    bool ok = false;
    std::string message;
    std::optional<std::string> run_id;
};

using ControlMessage = std::variant<Hello, Heartbeat, RunReport, FailedRows, CommandResult>;

struct MessageLimits {
    std::size_t max_streams = 64;
    std::size_t max_failed_rows = 500;
};

// Parses one text frame. Errors (ErrorCode::parse_error) name the message type
// and field and become a 4000 close; unknown fields are ignored.
Expected<ControlMessage> parse_control(std::string_view text, const MessageLimits& limits);

// Messages the relay sends.
struct StreamPosition {
    std::string stream_id;
    std::uint64_t last_sequence = 0;
};
struct Welcome {
    std::string relay_version;
    std::string site_id;
    std::string tenant_id;
    std::vector<StreamPosition> streams;
    std::size_t max_frame_bytes = 0;
    std::size_t window = 0;
    int heartbeat_seconds = 15;
};
struct Command {
    std::string id;
    std::string command;
    std::optional<std::string> entity;
};

std::string welcome_json(const Welcome& welcome);
std::string ack_json(const std::string& stream_id, std::uint64_t sequence,
                     const apply::ApplyOutcome& outcome);
std::string command_json(const Command& command);

// JSON text that is always valid: invalid UTF-8 from a peer is replaced.
std::string dump(const nlohmann::json& value);

}  // namespace cs::relay::agent_link

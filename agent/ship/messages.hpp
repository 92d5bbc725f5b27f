#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "agent/ship/relay_command.hpp"
#include "agent/track/run_record.hpp"
#include "agent/validate/failed_row.hpp"
#include "common/base/expected.hpp"

// The JSON control messages of docs/protocol.md, parsed and built without any
// networking so they can be tested on their own.
namespace cs::agent::ship {

inline constexpr int kProtocolVersion = 1;
// Text messages are at most 1 MiB in both directions (docs/protocol.md).
inline constexpr std::size_t kMaxTextBytes = 1u << 20;
// Change set frames never exceed the wire format's own limit.
inline constexpr std::size_t kMaxFrameBytes = 16u << 20;
// A failed row's raw text and error travel truncated past these sizes; the
// full row stays in the agent's store.
inline constexpr std::size_t kMaxReportedRawBytes = 64u << 10;
inline constexpr std::size_t kMaxReportedTextBytes = 4u << 10;
inline constexpr std::size_t kMaxFailedRowsPerMessage = 500;

struct HelloInfo {
    std::string agent_id;
    std::string agent_version;
    std::string host;
    std::string os;
    std::vector<std::string> streams;
};
std::string hello_message(const HelloInfo& hello);

struct Welcome {
    int protocol = 0;
    std::string relay_version;
    std::string site_id;
    std::string tenant_id;
    std::uint64_t last_sequence = 0;  // for this agent's stream; 0 when the relay has none
    std::size_t max_frame_bytes = 0;
    std::size_t window = 0;
    std::chrono::seconds heartbeat{15};
};

enum class AckStatus { applied, duplicate, rejected };
std::string_view to_string(AckStatus status);

struct Ack {
    std::string stream_id;
    std::uint64_t sequence = 0;
    AckStatus status = AckStatus::applied;
    std::int64_t rows = 0;
    std::string error;
};

// One text message from the relay. `type` is kept for message types this agent
// does not know (they are logged and ignored: a newer relay may send more).
struct Incoming {
    std::string type;
    std::variant<std::monostate, Welcome, Ack, RelayCommand> message;
};

// Parses and checks one text frame. `stream_id` picks this agent's entry out of
// the welcome's streams. Errors name the message type and the field.
Expected<Incoming> parse_incoming(std::string_view text, std::string_view stream_id);

std::string command_result_message(const CommandResult& result);
std::string heartbeat_message(const nlohmann::json& status);
// The run as `run_report`; error and note are shortened if the message would
// pass kMaxTextBytes.
std::string run_report_message(const RunRecord& run);

// `failed_rows` messages for rows in id order: one entity per message, at most
// kMaxFailedRowsPerMessage rows and kMaxTextBytes each.
std::vector<std::string> failed_rows_messages(const std::vector<FailedRow>& rows);

// Serialises for the wire: invalid UTF-8 (raw rows from Windows-1252 files) is
// replaced rather than throwing.
std::string dump_message(const nlohmann::json& message);

}  // namespace cs::agent::ship

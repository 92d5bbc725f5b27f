#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cs::agent::ship::testing {

// How the fake relay behaves; read at each new connection, so a test can
// change it between sessions.
struct FakeRelayScript {
    bool tls = true;
    std::string certificate = "server";  // server | wrong-host (tests/data/tls/agent/)
    unsigned upgrade_status = 101;       // anything else refuses the upgrade
    std::string upgrade_error = "unknown site key";
    int protocol = 1;
    std::size_t window = 8;
    std::size_t max_frame_bytes = 16u << 20;
    int heartbeat_seconds = 15;
    std::uint16_t close_after_hello = 0;  // close with this code instead of welcoming
    std::string close_reason;
    std::chrono::milliseconds ack_delay{0};  // acks are sent in batches this long after a frame
    std::set<std::uint64_t> reject;          // sequences acked as rejected
    int drop_session = 0;                    // in this session (1-based) ...
    std::size_t drop_after_frames = 0;       // ... drop TCP after this many frames, acking none
    std::vector<nlohmann::json> commands;    // sent right after the welcome
    std::size_t oversized_text = 0;          // a text message this large right after the welcome
    std::optional<std::uint64_t> last_sequence;  // overrides the welcome's value
};

struct RelayRecord {
    int accepted = 0;  // TCP connections
    int upgrades = 0;  // upgrade requests read
    int sessions = 0;  // welcomes sent
    std::vector<std::string> authorizations;
    std::vector<std::string> user_agents;
    std::vector<nlohmann::json> hellos;
    std::vector<std::uint64_t> received;  // sequences in arrival order, all sessions
    std::set<std::uint64_t> applied;
    std::size_t max_unacked = 0;
    std::vector<nlohmann::json> heartbeats;
    std::vector<nlohmann::json> run_reports;
    std::vector<nlohmann::json> failed_rows;
    std::vector<nlohmann::json> command_results;
    std::vector<std::uint16_t> agent_close_codes;
    std::vector<std::string> agent_close_reasons;
    std::vector<std::string> errors;  // anything the relay found wrong with the agent
};

// A Beast WebSocket server on 127.0.0.1 that plays the relay's side of
// docs/protocol.md from a script and records what the agent did.
class FakeRelay {
public:
    explicit FakeRelay(FakeRelayScript script = {});
    ~FakeRelay();

    std::uint16_t port() const;
    RelayRecord record() const;
    void update_script(const std::function<void(FakeRelayScript&)>& change);
    bool wait_for(const std::function<bool(const RelayRecord&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    // Sends a text message on every open session.
    void send(const nlohmann::json& message);
    // Closes every open session's TCP connection without a close frame.
    void drop_connections();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::agent::ship::testing

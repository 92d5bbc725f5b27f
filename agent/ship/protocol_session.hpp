#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ship/delivery.hpp"
#include "agent/ship/messages.hpp"
#include "agent/ship/status_board.hpp"
#include "agent/ship/uplink.hpp"
#include "agent/store/state_db.hpp"

namespace cs::agent::ship {

// The transport a protocol session writes to. The WebSocket connection
// implements it; tests implement it with a recorder.
class SessionIo {
public:
    virtual ~SessionIo() = default;
    virtual void send_text(std::string text) = 0;
    virtual void send_binary(std::string frame) = 0;
    virtual void send_ping(std::string payload) = 0;
    // Sends a close frame after what is already being written; nothing is sent after it.
    virtual void close(std::uint16_t code, std::string reason) = 0;
    // Messages waiting or being written, all kinds / change sets only.
    virtual std::size_t queued() const = 0;
    virtual std::size_t queued_binary() const = 0;
    // The welcome arrived: heartbeats every `interval` from now on.
    virtual void welcomed(std::chrono::seconds interval) = 0;
};

// What outlives one session: the uplink keeps these across reconnects.
struct SessionEnv {
    const UplinkOptions& options;  // agent_version, host and os already filled in
    StateDb& store;
    DeliveryWindow& delivery;
    StatusBoard& board;
    std::deque<CommandResult>& results;                 // answers not yet sent
    std::function<void(const RelayCommand&)> dispatch;  // empty: commands are refused
    std::chrono::steady_clock::time_point started;
};

// The agent side of docs/protocol.md for one connection, free of networking:
// hello, welcome, the change set window, acks, reports, heartbeats and
// commands. Every call happens on the uplink thread.
class ProtocolSession {
public:
    ProtocolSession(SessionEnv& env, SessionIo& io);

    void start();  // the upgrade succeeded: say hello
    void on_text(std::string_view text);
    void on_binary();
    void on_oversized();  // a message passed kMaxTextBytes while arriving
    void on_pong(std::string_view payload);
    void on_written();
    void on_tick();            // every outbox_poll: new change sets, store retries
    void on_heartbeat();       // every heartbeat_seconds
    void on_outbox_changed();  // the pipeline committed change sets or finished a run
    void on_results();         // command results are waiting
    void on_welcome_timeout();

    bool welcomed() const { return welcomed_; }
    // Set when this side ended the session; none while it runs or when the
    // relay or the network ended it.
    LinkFailure failure() const { return failure_; }
    const std::string& reason() const { return reason_; }

private:
    void handle_welcome(const Welcome& welcome);
    void handle_ack(const Ack& ack);
    void handle_command(const RelayCommand& command);
    void fail(LinkFailure failure, std::uint16_t code, std::string why);
    void pump_frames();
    void pump_reports();
    void flush_results();
    void settle();
    void send_heartbeat();
    void update_drained();

    struct ReportBarrier {
        std::string token;  // ping payload; the pong proves the relay read what came before
        std::vector<std::string> run_ids;
        std::int64_t failed_through = 0;  // highest failed-row id sent
    };

    SessionEnv& env_;
    SessionIo& io_;
    bool welcomed_ = false;
    bool closing_ = false;
    std::size_t max_frame_bytes_ = kMaxFrameBytes;
    bool outbox_exhausted_ = false;
    bool reports_exhausted_ = false;
    bool settle_failing_ = false;
    std::string blocked_;
    std::map<std::uint64_t, std::string> in_flight_;  // sequence -> entity, for log lines
    std::optional<ReportBarrier> barrier_;
    std::uint64_t barriers_ = 0;
    std::set<std::string> unknown_types_;
    LinkFailure failure_ = LinkFailure::none;
    std::string reason_;
};

}  // namespace cs::agent::ship

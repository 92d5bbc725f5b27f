#include "agent/ship/protocol_session.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "agent/outbox/outbox.hpp"

namespace cs::agent::ship {
namespace {

// At most this many change sets wait in memory for the socket: the window
// bounds what is unacknowledged, this bounds what is held (frames reach 16 MiB).
constexpr std::size_t kMaxQueuedFrames = 2;

class OutboxStore final : public DeliveryStore {
public:
    explicit OutboxStore(StateDb& store) : outbox_(store.db()) {}
    Status delete_through(std::uint64_t sequence) override {
        auto removed = outbox_.acknowledge_through(sequence);
        if (!removed) {
            return std::move(removed).error();
        }
        return ok();
    }
    Status quarantine(std::uint64_t sequence, const std::string& error) override {
        return outbox_.quarantine(sequence, error);
    }

private:
    Outbox outbox_;
};

}  // namespace

ProtocolSession::ProtocolSession(SessionEnv& env, SessionIo& io) : env_(env), io_(io) {}

void ProtocolSession::start() {
    HelloInfo hello{env_.store.stream_id(),
                    env_.options.agent_version,
                    env_.options.host,
                    env_.options.os,
                    {env_.store.stream_id()}};
    io_.send_text(hello_message(hello));
}

void ProtocolSession::fail(LinkFailure failure, std::uint16_t code, std::string why) {
    if (closing_) {
        return;
    }
    closing_ = true;
    failure_ = failure;
    reason_ = std::move(why);
    io_.close(code, reason_);
}

void ProtocolSession::on_text(std::string_view text) {
    if (closing_) {
        return;
    }
    auto in = parse_incoming(text, env_.store.stream_id());
    if (!in) {
        fail(LinkFailure::protocol_violation, 4000, in.error().message);
        return;
    }
    if (auto* welcome = std::get_if<Welcome>(&in->message)) {
        handle_welcome(*welcome);
        return;
    }
    if (!welcomed_) {
        fail(LinkFailure::protocol_violation, 4000, fmt::format("'{}' before welcome", in->type));
        return;
    }
    if (auto* ack = std::get_if<Ack>(&in->message)) {
        handle_ack(*ack);
    } else if (auto* command = std::get_if<RelayCommand>(&in->message)) {
        handle_command(*command);
    } else if (unknown_types_.size() < 16 && unknown_types_.insert(in->type).second) {
        // A newer relay may send messages this agent does not know; ignoring them
        // cannot lose data, closing would stop shipping.
        spdlog::warn("relay sent a message of unknown type '{}'; ignored", in->type);
    }
}

void ProtocolSession::on_binary() {
    fail(LinkFailure::protocol_violation, 4000, "the relay sent a binary message");
}

void ProtocolSession::on_oversized() {
    fail(LinkFailure::message_too_big, 1009,
         fmt::format("the relay sent a message over {} bytes", kMaxTextBytes));
}

void ProtocolSession::on_welcome_timeout() {
    if (!welcomed_) {
        fail(LinkFailure::network, 1000,
             fmt::format(
                 "no welcome within {} s of the upgrade",
                 std::chrono::duration_cast<std::chrono::seconds>(env_.options.handshake_timeout)
                     .count()));
    }
}

void ProtocolSession::handle_welcome(const Welcome& welcome) {
    if (welcomed_) {
        fail(LinkFailure::protocol_violation, 4000, "second welcome");
        return;
    }
    if (welcome.protocol != kProtocolVersion) {
        fail(LinkFailure::unsupported_protocol, 4002,
             fmt::format("the relay chose protocol {}; this agent speaks {}", welcome.protocol,
                         kProtocolVersion));
        return;
    }
    welcomed_ = true;
    max_frame_bytes_ = welcome.max_frame_bytes;
    auto window = std::min(env_.options.window, welcome.window);
    auto& delivery = env_.delivery;
    delivery.begin_session(welcome.last_sequence, window);
    // Rejected sets left from an earlier session go to the quarantine before the
    // trim below could delete them.
    settle();
    if (auto through = delivery.trim_through(welcome.last_sequence)) {
        auto removed = Outbox(env_.store.db()).acknowledge_through(*through);
        if (!removed) {
            fail(LinkFailure::local, 1011, removed.error().message);
            return;
        }
        if (*removed > 0) {
            spdlog::info(
                "relay already has stream {} up to sequence {}: removed {} change set{} "
                "from the outbox",
                env_.store.stream_id(), welcome.last_sequence, *removed, *removed == 1 ? "" : "s");
        }
    }
    if (auto next = env_.store.peek_next_sequence(); next && welcome.last_sequence >= *next) {
        spdlog::warn(
            "relay has applied stream {} up to sequence {} but this state store has only "
            "numbered change sets up to {}: the store may be an older copy; new change "
            "sets will be rejected as conflicts",
            env_.store.stream_id(), welcome.last_sequence, *next - 1);
    }
    spdlog::info(
        "connected to the relay (relay {}, site {}, protocol {}, {} change set{} in flight at "
        "most)",
        welcome.relay_version, welcome.site_id, welcome.protocol, window, window == 1 ? "" : "s");
    env_.board.update([&](UplinkStatus& s) {
        s.state = LinkState::connected;
        s.connected_at_us = now_micros();
        s.consecutive_failures = 0;
        s.next_attempt_at_us = 0;
        s.blocked.clear();
        s.protocol = welcome.protocol;
        s.relay_version = welcome.relay_version;
        s.site_id = welcome.site_id;
        s.tenant_id = welcome.tenant_id;
        ++s.sessions;
    });
    io_.welcomed(welcome.heartbeat);
    send_heartbeat();
    pump_frames();
    pump_reports();
    flush_results();
    update_drained();
}

void ProtocolSession::handle_ack(const Ack& ack) {
    if (ack.stream_id != env_.store.stream_id()) {
        fail(LinkFailure::protocol_violation, 4000,
             fmt::format("ack for stream {}, which this agent does not send", ack.stream_id));
        return;
    }
    auto result = env_.delivery.acknowledge(ack.sequence, ack.status, ack.error);
    if (result == DeliveryWindow::AckResult::not_in_flight) {
        spdlog::warn("relay acknowledged sequence {} ({}), which is not in flight; ignored",
                     ack.sequence, to_string(ack.status));
        return;
    }
    std::string entity;
    if (auto it = in_flight_.find(ack.sequence); it != in_flight_.end()) {
        entity = std::move(it->second);
        in_flight_.erase(it);
    }
    if (ack.status == AckStatus::rejected) {
        spdlog::error(
            "relay rejected change set {} ({}): {}; it moves to the quarantine "
            "(contractsync-agent outbox quarantine)",
            ack.sequence, entity, ack.error);
    } else {
        spdlog::debug("change set {} ({}) {}: {} rows", ack.sequence, entity, to_string(ack.status),
                      ack.rows);
    }
    env_.board.update([&](UplinkStatus& s) {
        if (ack.status == AckStatus::applied) {
            ++s.applied;
        } else if (ack.status == AckStatus::duplicate) {
            ++s.duplicates;
        } else {
            ++s.rejected;
            s.last_rejection = fmt::format("sequence {} ({}): {}", ack.sequence, entity, ack.error);
        }
    });
    settle();
    pump_frames();
    update_drained();
}

void ProtocolSession::settle() {
    OutboxStore store(env_.store);
    auto st = env_.delivery.settle(store);
    if (!st && !settle_failing_) {
        spdlog::warn("cannot update the outbox after acknowledgements ({}); retrying",
                     st.error().message);
    } else if (st && settle_failing_) {
        spdlog::info("outbox updated after acknowledgements");
    }
    settle_failing_ = !st;
}

void ProtocolSession::pump_frames() {
    if (!welcomed_ || closing_ || !blocked_.empty()) {
        return;
    }
    auto& delivery = env_.delivery;
    while (true) {
        std::size_t held = io_.queued_binary();
        std::size_t want =
            std::min(delivery.room(), held < kMaxQueuedFrames ? kMaxQueuedFrames - held : 0);
        if (want == 0) {
            return;
        }
        auto entries = Outbox(env_.store.db()).pending(delivery.next_after(), want);
        if (!entries) {
            fail(LinkFailure::local, 1011, entries.error().message);
            return;
        }
        outbox_exhausted_ = entries->size() < want;
        for (auto& entry : *entries) {
            if (entry.frame.size() > max_frame_bytes_) {
                blocked_ = fmt::format(
                    "change set {} ({}, {} bytes) is larger than the relay's max_frame_bytes ({}); "
                    "shipping waits until the relay accepts larger frames",
                    entry.sequence, entry.entity, entry.frame.size(), max_frame_bytes_);
                spdlog::error("{}", blocked_);
                env_.board.update([&](UplinkStatus& s) { s.blocked = blocked_; });
                return;
            }
            delivery.sent(entry.sequence);
            in_flight_[entry.sequence] = entry.entity;
            spdlog::debug("sending change set {} ({}, {} rows, {} bytes)", entry.sequence,
                          entry.entity, entry.row_count, entry.frame.size());
            io_.send_binary(std::move(entry.frame));
            env_.board.update([](UplinkStatus& s) { ++s.sent; });
        }
        if (outbox_exhausted_) {
            return;
        }
    }
}

void ProtocolSession::on_written() {
    if (closing_) {
        return;
    }
    pump_frames();
    update_drained();
}

void ProtocolSession::on_tick() {
    if (!welcomed_ || closing_) {
        return;
    }
    if (!env_.delivery.settled()) {
        settle();
    }
    pump_frames();
    flush_results();
    update_drained();
}

void ProtocolSession::on_outbox_changed() {
    if (!welcomed_ || closing_) {
        return;
    }
    reports_exhausted_ = false;
    pump_frames();
    pump_reports();
    update_drained();
}

void ProtocolSession::handle_command(const RelayCommand& command) {
    static constexpr std::string_view kKnown[] = {"sync_now", "full_resync", "retry_failed"};
    bool known =
        std::find(std::begin(kKnown), std::end(kKnown), command.command) != std::end(kKnown);
    spdlog::info("relay command {}: {}{}", command.id, command.command,
                 command.entity.empty() ? "" : " " + command.entity);
    if (!known) {
        env_.results.push_back({command.id,
                                false,
                                fmt::format("unknown command '{}' (this agent knows sync_now, "
                                            "full_resync and retry_failed)",
                                            command.command),
                                {}});
    } else if (!env_.dispatch) {
        env_.results.push_back(
            {command.id,
             false,
             "this agent process does not run commands (contractsync-agent push)",
             {}});
    } else {
        env_.dispatch(command);
    }
    flush_results();
}

void ProtocolSession::update_drained() {
    bool drained = welcomed_ && !closing_ && blocked_.empty() && outbox_exhausted_ &&
                   env_.delivery.in_flight() == 0 && env_.delivery.settled() && !barrier_ &&
                   reports_exhausted_ && env_.results.empty() && io_.queued() == 0;
    if (drained) {
        // Entries at or below what was sent may remain if a delete failed.
        auto stats = Outbox(env_.store.db()).stats();
        drained = stats && stats->depth == 0;
    }
    env_.board.update([&](UplinkStatus& s) { s.drained = drained; });
}

}  // namespace cs::agent::ship

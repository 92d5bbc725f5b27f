// The reporting half of ProtocolSession: heartbeats, run reports, failed rows
// and command results.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "agent/ship/agent_status.hpp"
#include "agent/ship/protocol_session.hpp"

namespace cs::agent::ship {
namespace {

constexpr std::size_t kRunsPerBatch = 50;
constexpr std::size_t kFailedRowsPerBatch = 2 * kMaxFailedRowsPerMessage;
// Command results and reports do not pile up behind a slow socket.
constexpr std::size_t kMaxQueuedMessages = 32;

}  // namespace

void ProtocolSession::send_heartbeat() {
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::steady_clock::now() - env_.started)
                      .count();
    AgentIdentity agent{env_.options.agent_version, env_.options.host, env_.options.os};
    auto status = agent_status_json(env_.store, agent, uptime, env_.board.snapshot());
    if (!status) {
        // A heartbeat without store figures still tells the relay the agent lives.
        spdlog::warn("heartbeat without outbox figures: {}", status.error().message);
        status = nlohmann::json{{"agent_version", agent.version},
                                {"host", agent.host},
                                {"os", agent.os},
                                {"uptime_seconds", uptime},
                                {"error", status.error().message}};
    }
    std::string message = heartbeat_message(*status);
    if (message.size() > kMaxTextBytes) {
        (*status)["last_runs"] = nlohmann::json::array();
        message = heartbeat_message(*status);
    }
    io_.send_text(std::move(message));
}

void ProtocolSession::on_heartbeat() {
    if (!welcomed_ || closing_) {
        return;
    }
    if (io_.queued() < kMaxQueuedMessages) {
        send_heartbeat();
    }
    reports_exhausted_ = false;
    pump_reports();
    update_drained();
}

// Run reports and failed rows carry no ack of their own: they are marked
// reported once a pong answers a ping sent after them, which proves the
// relay's reader got past them (docs/agent-uplink.md). Until then they stay
// unreported and are sent again after a reconnect; the relay stores them by
// run_id and row id, so a repeat is harmless.
void ProtocolSession::pump_reports() {
    if (!welcomed_ || closing_ || barrier_ || reports_exhausted_ ||
        io_.queued() >= kMaxQueuedMessages) {
        return;
    }
    auto runs = RunStore(env_.store.db()).unreported(kRunsPerBatch);
    auto rows = FailedRowStore(env_.store.db()).unreported(kFailedRowsPerBatch);
    if (!runs || !rows) {
        spdlog::warn("cannot read runs or failed rows to report: {}",
                     !runs ? runs.error().message : rows.error().message);
        return;
    }
    if (runs->empty() && rows->empty()) {
        reports_exhausted_ = true;
        return;
    }
    ReportBarrier barrier;
    for (const auto& run : *runs) {
        io_.send_text(run_report_message(run));
        barrier.run_ids.push_back(run.run_id);
    }
    for (auto& message : failed_rows_messages(*rows)) {
        io_.send_text(std::move(message));
    }
    if (!rows->empty()) {
        barrier.failed_through = rows->back().id;
    }
    barrier.token = fmt::format("reports-{}", ++barriers_);
    io_.send_ping(barrier.token);
    spdlog::debug("reported {} run{} and {} failed row{}", runs->size(),
                  runs->size() == 1 ? "" : "s", rows->size(), rows->size() == 1 ? "" : "s");
    barrier_ = std::move(barrier);
}

void ProtocolSession::on_pong(std::string_view payload) {
    if (!barrier_ || payload != barrier_->token) {
        return;  // a keepalive pong
    }
    RunStore runs(env_.store.db());
    for (const auto& id : barrier_->run_ids) {
        if (auto st = runs.mark_reported(id); !st) {
            spdlog::warn(
                "run {} was delivered but cannot be marked reported ({}); it will be "
                "reported again",
                id, st.error().message);
        }
    }
    if (barrier_->failed_through > 0) {
        if (auto st = FailedRowStore(env_.store.db()).mark_reported(barrier_->failed_through);
            !st) {
            spdlog::warn(
                "failed rows were delivered but cannot be marked reported ({}); they "
                "will be reported again",
                st.error().message);
        }
    }
    barrier_.reset();
    // Look again: more may have been waiting (a full batch) or written meanwhile.
    reports_exhausted_ = false;
    pump_reports();
    update_drained();
}

void ProtocolSession::on_results() {
    if (!welcomed_ || closing_) {
        return;
    }
    flush_results();
    update_drained();
}

void ProtocolSession::flush_results() {
    if (!welcomed_ || closing_) {
        return;
    }
    while (!env_.results.empty() && io_.queued() < kMaxQueuedMessages) {
        io_.send_text(command_result_message(env_.results.front()));
        env_.results.pop_front();
    }
}

}  // namespace cs::agent::ship

// The agent session's work queue: change sets decoded ahead and applied in
// order, control messages, presence, commands and parked-children retries, one
// database job at a time; and the liveness and retry timers.
#include <algorithm>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "relay/agent_link/agent_session.hpp"

namespace cs::relay::agent_link::session_detail {

void AgentSession::enqueue(std::shared_ptr<WorkItem> item) {
    if (item->kind == WorkItem::Kind::change_set) {
        ++queued_sets_;
    }
    work_.push_back(std::move(item));
    schedule_prepares();
    pump();
}

void AgentSession::enqueue_presence(bool online) {
    auto item = std::make_shared<WorkItem>();
    item->kind = WorkItem::Kind::presence;
    item->online = online;
    enqueue(std::move(item));
}

void AgentSession::schedule_prepares() {
    for (const auto& item : work_) {
        if (preparing_ >= kMaxPreparing) {
            return;
        }
        if (item->kind != WorkItem::Kind::change_set || item->preparing || item->prepared) {
            continue;
        }
        item->preparing = true;
        ++preparing_;
        blocking([self = shared_from_this(), item] {
            auto prepared =
                apply::prepare(item->frame, self->ctx_->config.limits.wire, self->site_ref_);
            self->on_strand([self, item, prepared = std::move(prepared)]() mutable {
                item->prepared = std::move(prepared);
                item->preparing = false;
                --self->preparing_;
                if (!self->closing_) {
                    self->schedule_prepares();
                    self->pump();
                }
            });
        });
    }
}

// Starts the next database job if none is running; strictly in arrival order.
void AgentSession::pump() {
    if (closing_ || db_busy_ || state_ != LinkState::running || work_.empty()) {
        return;
    }
    auto item = work_.front();
    if (item->kind == WorkItem::Kind::change_set && !item->prepared) {
        return;  // its decode finishes soon and calls pump() again
    }
    db_busy_ = true;
    switch (item->kind) {
        case WorkItem::Kind::change_set:
            return start_apply(item);
        case WorkItem::Kind::control:
            return start_control(item);
        case WorkItem::Kind::retry_pending:
            return start_retry();
        case WorkItem::Kind::presence:
            return start_presence(item);
        case WorkItem::Kind::commands:
            return start_commands();
    }
}

void AgentSession::start_apply(std::shared_ptr<WorkItem> item) {
    blocking([self = shared_from_this(), lease = lease_, item] {
        auto result = apply_frame(*lease, self->site_ref_, item->frame, *item->prepared,
                                  self->ctx_->config.limits.wire);
        self->on_strand(
            [self, item, result = std::move(result)] { self->on_applied(*item, result); });
    });
}

void AgentSession::on_applied(const WorkItem& item, const ApplyResult& result) {
    db_busy_ = false;
    if (closing_) {
        return release_lease();
    }
    work_.pop_front();
    --queued_sets_;
    auto& m = *ctx_->metrics;
    if (result.close) {
        count_refusal(m, result.close->code);
        spdlog::warn("site {}: {}", site_.site_id, result.close->reason);
        return close(result.close->code, result.close->reason);
    }
    if (!*result.outcome) {
        return fail_database(result.outcome->error());
    }
    const auto& outcome = **result.outcome;
    auto rows = item.prepared && *item.prepared ? (*item.prepared)->row_count : 0;
    count_outcome(*ctx_->metrics, outcome, rows,
                  std::chrono::duration<double>(Clock::now() - item.received).count());
    if (outcome.verdict == apply::Verdict::rejected) {
        spdlog::warn("site {}: change set {} of stream {} rejected: {}", site_.site_id,
                     result.sequence, result.stream_id, outcome.error);
    }
    send(ack_json(result.stream_id, result.sequence, outcome));
    pump();
    do_read();
}

void AgentSession::start_control(std::shared_ptr<WorkItem> item) {
    blocking([self = shared_from_this(), lease = lease_, item] {
        auto r = store_control(*lease->lease, self->site_, self->session_id_, self->hello_.agent_id,
                               item->control, self->ctx_->config.limits, *self->ctx_->metrics);
        self->on_strand([self, r = std::move(r)] { self->on_done(r.status, r.commands); });
    });
}

void AgentSession::start_retry() {
    blocking([self = shared_from_this(), lease = lease_] {
        Status status;
        auto released = retry_parked(*lease, self->site_ref_);
        if (!released) {
            status = std::move(released).error();
        } else {
            self->ctx_->metrics->rows_released.inc(static_cast<double>(*released));
        }
        self->on_strand([self, status = std::move(status)] { self->on_done(status, {}); });
    });
}

// Commands queued through the API while this session was connected.
void AgentSession::start_commands() {
    blocking([self = shared_from_this(), lease = lease_] {
        auto commands = store::take_pending_commands(*lease->lease, self->site_);
        Status status;
        std::vector<Command> list;
        if (!commands) {
            status = std::move(commands).error();
        } else {
            list = std::move(*commands);
        }
        self->on_strand([self, status = std::move(status), list = std::move(list)] {
            self->on_done(status, list);
        });
    });
}

void AgentSession::start_presence(std::shared_ptr<WorkItem> item) {
    blocking([self = shared_from_this(), lease = lease_, online = item->online] {
        auto& conn = *lease->lease;
        Status status = online ? store::touch_online(conn, self->site_, self->session_id_)
                               : store::mark_offline(conn, self->site_, self->session_id_);
        self->on_strand([self, status = std::move(status)] { self->on_done(status, {}); });
    });
}

void AgentSession::on_done(const Status& status, const std::vector<Command>& commands) {
    db_busy_ = false;
    if (closing_) {
        return release_lease();
    }
    work_.pop_front();
    if (!status) {
        if (db::is_transient(status.error())) {
            return fail_database(status.error());
        }
        // Reports are informational: one the database refuses is logged and
        // dropped rather than ending the session that carries change sets.
        spdlog::warn("site {}: {}", site_.site_id, status.error().message);
    }
    for (const auto& command : commands) {
        send(command_json(command));
    }
    pump();
    do_read();
}

void AgentSession::fail_database(const Error& error) {
    (db::is_transient(error) ? ctx_->metrics->errors_database : ctx_->metrics->errors_internal)
        .inc();
    spdlog::error("site {}: {}; closing with 1011 so the agent resends after reconnecting",
                  site_.site_id, error.message);
    close(close_code::transient, "relay-side failure; reconnect and resend");
}

void AgentSession::arm_liveness() {
    auto interval = std::chrono::seconds(ctx_->config.agents.heartbeat_seconds);
    liveness_timer_.expires_after(interval);
    liveness_timer_.async_wait([self = shared_from_this(), interval](beast::error_code ec) {
        if (ec || self->closing_) {
            return;
        }
        // docs/protocol.md: offline after three heartbeat intervals of silence.
        if (!self->offline_ && Clock::now() - self->last_frame_ > 3 * interval) {
            self->offline_ = true;
            spdlog::info("site {}: no frame for {} s; marked offline", self->site_.site_id,
                         3 * interval.count());
            self->enqueue_presence(false);
        }
        self->arm_liveness();
    });
}

void AgentSession::arm_pending_retry() {
    pending_timer_.expires_after(ctx_->config.agents.pending_retry_interval);
    pending_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->closing_) {
            return;
        }
        bool queued = std::any_of(self->work_.begin(), self->work_.end(), [](const auto& w) {
            return w->kind == WorkItem::Kind::retry_pending;
        });
        if (!queued) {
            auto item = std::make_shared<WorkItem>();
            item->kind = WorkItem::Kind::retry_pending;
            self->enqueue(std::move(item));
        }
        self->arm_pending_retry();
    });
}

}  // namespace cs::relay::agent_link::session_detail

#include "relay/agent_link/session_jobs.hpp"

#include "relay/agent_link/site_store.hpp"

namespace cs::relay::agent_link {

Expected<WelcomeData> load_welcome(SiteLease& lease, const sites::SiteIdentity& site,
                                   const std::string& session_id, const std::string& instance,
                                   const Hello& hello, const std::string& address,
                                   int liveness_seconds) {
    auto& conn = *lease.lease;
    WelcomeData data;
    auto active = store::key_active(conn, site);
    if (!active) {
        return std::move(active).error();
    }
    if (!*active) {
        data.refusal = CloseAction{close_code::key_revoked, "site key revoked or rotated"};
        return data;
    }
    auto refused = apply::refuse_new_streams(conn, {site.tenant_id, site.site_id}, hello.streams,
                                             lease.quotas.max_streams);
    if (!refused) {
        return std::move(refused).error();
    }
    if (*refused) {
        data.refusal = CloseAction{close_code::site_quota, close_reason_text(**refused)};
        return data;
    }
    if (auto s =
            store::mark_online(conn, site, session_id, instance, hello, address, liveness_seconds);
        !s) {
        return std::move(s).error();
    }
    auto positions = store::stream_positions(conn, site, hello.streams);
    if (!positions) {
        return std::move(positions).error();
    }
    data.streams = std::move(*positions);
    auto commands = store::take_pending_commands(conn, site);
    if (!commands) {
        return std::move(commands).error();
    }
    data.commands = std::move(*commands);
    return data;
}

ApplyResult apply_frame(SiteLease& lease, const apply::SiteRef& site, const std::string& frame,
                        const Expected<apply::PreparedChangeSet>& prepared,
                        const wire::Limits& limits) {
    ApplyResult result;
    if (prepared) {
        result.stream_id = prepared->stream_id;
        result.sequence = prepared->sequence;
        result.outcome = lease.applier.apply(site, *prepared);
        if (!*result.outcome && result.outcome->error().code == ErrorCode::limit_exceeded) {
            result.close = CloseAction{close_code::site_quota,
                                       close_reason_text(result.outcome->error().message)};
            result.outcome.reset();
        }
    } else if (auto id = apply::peek_identity(frame, limits)) {
        // Malformed but identifiable: a rejected ack lets the agent quarantine it.
        result.stream_id = id->stream_id;
        result.sequence = id->sequence;
        result.outcome = lease.applier.reject_unprepared(site, *id, prepared.error());
    } else {
        result.close =
            CloseAction{close_code::protocol_violation,
                        close_reason_text("malformed change set: " + prepared.error().message)};
    }
    return result;
}

ControlResult store_control(db::Connection& conn, const sites::SiteIdentity& site,
                            const std::string& session_id, const std::string& stream_id,
                            const ControlMessage& message, const LimitsConfig& limits,
                            metrics::RelayMetrics& counters) {
    ControlResult result;
    result.status = std::visit(
        [&](const auto& m) -> Status {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, Heartbeat>) {
                if (auto s = store::record_heartbeat(conn, site, session_id, m); !s) {
                    return s;
                }
                // Heartbeats are the natural moment to deliver queued commands.
                auto pending = store::take_pending_commands(conn, site);
                if (!pending) {
                    return std::move(pending).error();
                }
                result.commands = std::move(*pending);
                return ok();
            } else if constexpr (std::is_same_v<T, RunReport>) {
                return store::record_run_report(conn, site, m);
            } else if constexpr (std::is_same_v<T, FailedRows>) {
                auto pruned = store::record_failed_rows(
                    conn, site, stream_id, m,
                    {limits.failed_rows_cap, limits.max_failed_rows_per_site});
                if (!pruned) {
                    return std::move(pruned).error();
                }
                counters.failed_rows_pruned_entity.inc(static_cast<double>(pruned->by_entity));
                counters.failed_rows_pruned_site.inc(static_cast<double>(pruned->by_site));
                return ok();
            } else if constexpr (std::is_same_v<T, CommandResult>) {
                return store::record_command_result(conn, site, m);
            } else {
                return ok();  // hello is handled by the session itself
            }
        },
        message);
    return result;
}

Expected<std::uint64_t> retry_parked(SiteLease& lease, const apply::SiteRef& site) {
    auto any = lease.applier.has_pending(site);
    if (!any) {
        return std::move(any).error();
    }
    if (!*any) {
        return std::uint64_t{0};
    }
    return lease.applier.release_pending(site);
}

void count_refusal(metrics::RelayMetrics& m, std::uint16_t code) {
    switch (code) {
        case close_code::too_big:
            return m.errors_frame_too_big.inc();
        case close_code::key_revoked:
            return m.sessions_closed_revoked.inc();
        case close_code::site_quota:
            return m.quota_refused_streams.inc();
        default:
            return m.errors_protocol.inc();
    }
}

void count_outcome(metrics::RelayMetrics& m, const apply::ApplyOutcome& outcome, std::size_t rows,
                   double seconds) {
    switch (outcome.verdict) {
        case apply::Verdict::applied:
            m.change_sets_applied.inc();
            m.rows_inserted.inc(static_cast<double>(outcome.inserted));
            m.rows_updated.inc(static_cast<double>(outcome.updated));
            m.rows_deleted.inc(static_cast<double>(outcome.deleted));
            m.rows_unchanged.inc(static_cast<double>(outcome.unchanged));
            m.rows_parked.inc(static_cast<double>(outcome.parked));
            m.rows_released.inc(static_cast<double>(outcome.released));
            if (outcome.skipped_sequences > 0) {
                m.sequence_gaps.inc();
            }
            m.change_set_rows.observe(static_cast<double>(rows));
            m.apply_seconds.observe(seconds);
            break;
        case apply::Verdict::duplicate:
            m.change_sets_duplicate.inc();
            break;
        case apply::Verdict::rejected:
            m.change_sets_rejected.inc();
            if (outcome.conflict) {
                m.conflicts.inc();
            }
            if (outcome.over_quota) {
                m.quota_refused_entities.inc();
            }
            break;
    }
}

}  // namespace cs::relay::agent_link

#include "relay/apply/retention.hpp"

#include <fmt/format.h>

namespace cs::relay::apply {
namespace {

std::string interval(std::chrono::milliseconds age) {
    return fmt::format("{} milliseconds", age.count());
}

// Repeats a batched DELETE until it removes fewer rows than a batch.
Expected<std::uint64_t> delete_in_batches(db::Connection& conn, std::string_view what,
                                          const std::string& sql, std::chrono::milliseconds age,
                                          std::size_t batch) {
    std::uint64_t total = 0;
    for (;;) {
        auto r = conn.query(what, sql,
                            db::Params().text(interval(age)).integer(static_cast<int>(batch)));
        if (!r) {
            return std::move(r).error();
        }
        // Statements that end in SELECT count(*) report their own count.
        auto n = static_cast<std::uint64_t>(r->columns() > 0 ? r->integer(0, 0) : r->affected());
        total += n;
        if (n < batch) {
            return total;
        }
    }
}

}  // namespace

Expected<RetentionReport> prune(db::Connection& conn, const RetentionPolicy& policy) {
    RetentionReport report;
    auto log = delete_in_batches(
        conn, "pruning change_log",
        "DELETE FROM change_log WHERE ctid = ANY (ARRAY(SELECT ctid FROM change_log WHERE "
        "changed_at < now() - $1::interval LIMIT $2::int))",
        policy.change_log, policy.batch_rows);
    if (!log) {
        return std::move(log).error();
    }
    report.change_log = *log;

    auto ledger = delete_in_batches(conn, "pruning applied_change_sets", R"sql(
        WITH pruned AS (
            DELETE FROM applied_change_sets WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM applied_change_sets
                WHERE applied_at < now() - $1::interval LIMIT $2::int))
            RETURNING tenant_id, stream_id, sequence),
        per_stream AS (
            SELECT tenant_id, stream_id, max(sequence) AS through FROM pruned GROUP BY 1, 2),
        advanced AS (
            UPDATE streams s SET pruned_through = GREATEST(s.pruned_through, p.through)
            FROM per_stream p WHERE s.tenant_id = p.tenant_id AND s.stream_id = p.stream_id)
        SELECT count(*) FROM pruned)sql",
                                    policy.applied_change_sets, policy.batch_rows);
    if (!ledger) {
        return std::move(ledger).error();
    }
    report.applied_change_sets = *ledger;

    auto events = delete_in_batches(
        conn, "pruning relay_events",
        "DELETE FROM relay_events WHERE ctid = ANY (ARRAY(SELECT ctid FROM relay_events WHERE "
        "created_at < now() - $1::interval LIMIT $2::int))",
        policy.events, policy.batch_rows);
    if (!events) {
        return std::move(events).error();
    }
    report.events = *events;

    struct Sweep {
        std::string_view what;
        std::string_view sql;
        std::chrono::milliseconds age;
        std::uint64_t* count;
    };
    for (const auto& s : {
             Sweep{"pruning login_attempts",
                   "DELETE FROM login_attempts WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
                   "login_attempts WHERE at < now() - $1::interval LIMIT $2::int))",
                   policy.login_attempts, &report.accounts},
             Sweep{"pruning user_sessions",
                   "DELETE FROM user_sessions WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
                   "user_sessions WHERE least(coalesce(ended_at, 'infinity'), expires_at) < now() "
                   "- $1::interval LIMIT $2::int))",
                   policy.ended_sessions, &report.accounts},
             Sweep{"pruning alert_deliveries",
                   "DELETE FROM alert_deliveries WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
                   "alert_deliveries WHERE delivered_at < now() - $1::interval LIMIT $2::int))",
                   policy.ended_sessions, &report.accounts},
             Sweep{"pruning site_heartbeats",
                   "DELETE FROM site_heartbeats WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
                   "site_heartbeats WHERE minute < now() - $1::interval LIMIT $2::int))",
                   policy.heartbeats, &report.heartbeats},
             // A run older than the limit goes unless it is its entity's newest.
             Sweep{"pruning sync_runs",
                   "DELETE FROM sync_runs WHERE ctid = ANY (ARRAY(SELECT r.ctid FROM sync_runs r "
                   "WHERE r.received_at < now() - $1::interval AND EXISTS (SELECT 1 FROM "
                   "sync_runs n WHERE n.tenant_id = r.tenant_id AND n.site_id = r.site_id AND "
                   "n.entity = r.entity AND n.received_at > r.received_at) LIMIT $2::int))",
                   policy.sync_runs, &report.sync_runs},
         }) {
        auto n = delete_in_batches(conn, s.what, std::string(s.sql), s.age, policy.batch_rows);
        if (!n) {
            return std::move(n).error();
        }
        *s.count += *n;
    }
    return report;
}

}  // namespace cs::relay::apply

namespace cs::relay::apply {

PeriodicWorker::PeriodicWorker(std::chrono::milliseconds interval, std::function<void()> job)
    : interval_(interval), job_(std::move(job)) {
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
            lock.unlock();
            job_();
            lock.lock();
        }
    });
}

PeriodicWorker::~PeriodicWorker() {
    stop();
}

void PeriodicWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

}  // namespace cs::relay::apply

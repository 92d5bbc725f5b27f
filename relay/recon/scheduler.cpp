#include "relay/recon/scheduler.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "relay/recon/sql_util.hpp"

namespace cs::relay::recon {
namespace {

std::string input_entities_array() {
    std::string out = "{";
    for (std::string_view e : kInputEntities) {
        out += out.size() > 1 ? "," : "";
        out += e;
    }
    return out + "}";
}

}  // namespace

Status Scheduler::scan_ledger(db::Connection& conn, TickReport& report) {
    // Changes to contract lines enrol a tenant; P21 changes only matter to
    // tenants already reconciling. A tenant whose state row is locked (its run
    // is in progress) is skipped rather than waited for: the overlap of the
    // next scan sees its changes again.
    auto r = conn.query("scanning applied change sets", R"sql(
        WITH changed AS (
            SELECT tenant_id, max(applied_at) AS at, bool_or(entity = 'contract_lines') AS contracts
            FROM applied_change_sets
            WHERE applied_at > CASE WHEN $1 = '' THEN now() - $2::int * interval '1 second'
                                    ELSE nullif($1, '')::timestamptz - $3::int * interval '1 second' END
              AND rows_changed > 0 AND entity = ANY ($4::text[])
            GROUP BY tenant_id),
        updated AS (
            UPDATE recon_state s SET inputs_changed_at = c.at
            FROM changed c
            WHERE s.tenant_id = c.tenant_id
              AND (s.inputs_changed_at IS NULL OR s.inputs_changed_at < c.at)
              AND s.tenant_id IN (SELECT x.tenant_id FROM recon_state x
                                  WHERE x.tenant_id IN (SELECT tenant_id FROM changed)
                                  FOR UPDATE SKIP LOCKED)
            RETURNING s.tenant_id),
        enrolled AS (
            INSERT INTO recon_state (tenant_id, inputs_changed_at)
            SELECT c.tenant_id, c.at FROM changed c
            WHERE c.contracts
              AND NOT EXISTS (SELECT 1 FROM recon_state x WHERE x.tenant_id = c.tenant_id)
            ON CONFLICT DO NOTHING
            RETURNING tenant_id)
        SELECT (SELECT count(*) FROM updated) + (SELECT count(*) FROM enrolled), now()::text)sql",
                        db::Params()
                            .text(scanned_through_)
                            .integer(options_.first_lookback.count())
                            .integer(options_.overlap.count())
                            .text(input_entities_array()));
    if (!r) {
        return std::move(r).error();
    }
    report.tenants_marked = static_cast<std::size_t>(r->integer(0, 0));
    scanned_through_ = sql::text(*r, 0, 1);
    return ok();
}

namespace {

// When a tenant is due (docs/reconciliation.md): never while a failure's
// backoff runs; automatically once changed inputs settled, or to retry a failed
// run (auto_run only); on schedule, counted from the last attempt, so a failing
// scheduled run comes round again on its schedule, not on every tick.
constexpr std::string_view kDue = R"sql(
    WITH d AS (
        SELECT s.tenant_id, s.last_run_at,
               coalesce(p.auto_run, true) AND s.inputs_changed_at IS NOT NULL
                   AND s.inputs_changed_at > coalesce(s.last_inputs_at, '-infinity')
                   AND s.inputs_changed_at
                       <= now() - coalesce(p.settle_seconds, 60) * interval '1 second'
                   AS changed,
               coalesce(p.auto_run, true) AND s.failures > 0 AS retry,
               CASE WHEN p.tenant_id IS NULL THEN 1440 ELSE p.schedule_minutes END IS NOT NULL
                   AND coalesce(greatest(s.last_run_at, s.last_attempt_at), '-infinity')
                       <= now() - CASE WHEN p.tenant_id IS NULL THEN 1440
                                       ELSE p.schedule_minutes END * interval '1 minute'
                   AS scheduled
        FROM recon_state s
        LEFT JOIN recon_policies p ON p.tenant_id = s.tenant_id
        WHERE s.next_attempt_at IS NULL OR s.next_attempt_at <= now())
    SELECT tenant_id, CASE WHEN changed OR retry THEN 'automatic' ELSE 'scheduled' END
    FROM d WHERE changed OR retry OR scheduled
    ORDER BY coalesce(last_run_at, '-infinity')
    LIMIT $1::int)sql";

// A failed run: one more in a row, and when to try again. With auto_run the
// backoff decides (retry_delay); without it there is no retry and the
// schedule, counted from this attempt, brings the tenant round again.
Status record_failed_attempt(db::Connection& conn, const std::string& tenant,
                             const std::string& error, const SchedulerOptions& options) {
    auto before = conn.query("reading failed reconciliations", R"sql(
        SELECT coalesce((SELECT failures FROM recon_state WHERE tenant_id = $1::uuid), 0))sql",
                             db::Params().text(tenant));
    if (!before) {
        return std::move(before).error();
    }
    auto failures = static_cast<int>(std::min<std::int64_t>(before->integer(0, 0), 1'000'000));
    auto delay = retry_delay(failures + 1, options.retry_base, options.retry_max);
    auto r = conn.query("recording a failed reconciliation", R"sql(
        WITH p AS (SELECT coalesce((SELECT auto_run FROM recon_policies WHERE tenant_id = $1::uuid),
                                   true) AS auto_run)
        INSERT INTO recon_state AS s (tenant_id, failures, last_attempt_at, last_error,
                                      next_attempt_at)
        SELECT $1::uuid, 1, now(), $2,
               CASE WHEN p.auto_run THEN now() + $3::bigint * interval '1 millisecond' END
        FROM p
        ON CONFLICT (tenant_id) DO UPDATE SET
            failures = s.failures + 1, last_attempt_at = EXCLUDED.last_attempt_at,
            last_error = EXCLUDED.last_error, next_attempt_at = EXCLUDED.next_attempt_at)sql",
                        db::Params()
                            .text(tenant)
                            .text(error.substr(0, 2000))
                            .integer(static_cast<std::int64_t>(delay.count())));
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

}  // namespace

std::chrono::milliseconds retry_delay(int failures, std::chrono::milliseconds base,
                                      std::chrono::milliseconds max) {
    if (failures <= 0 || base.count() <= 0) {
        return std::chrono::milliseconds(0);
    }
    auto delay = std::min(base, max);
    for (int i = 1; i < failures && delay < max; ++i) {
        delay = delay > max / 2 ? max : delay * 2;
    }
    return delay;
}

Expected<std::vector<DueRun>> Scheduler::due(db::Connection& conn, TickReport& report) {
    if (auto s = scan_ledger(conn, report); !s) {
        return std::move(s).error();
    }
    auto r =
        conn.query("finding due reconciliations", kDue,
                   db::Params().integer(static_cast<std::int64_t>(options_.max_runs_per_tick)));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<DueRun> out;
    for (int i = 0; i < r->rows(); ++i) {
        out.push_back({sql::text(*r, i, 0),
                       r->text(i, 1) == "automatic" ? Trigger::automatic : Trigger::scheduled});
    }
    return out;
}

void Scheduler::run_due(db::Connection& conn, const DueRun& due, TickReport& report,
                        const std::function<bool()>& stopping) const {
    RunOptions options;
    options.trigger = due.trigger;
    auto summary = run(conn, due.tenant_id, options);
    if (!summary) {
        report.errors.push_back(
            fmt::format("tenant {}: {}", due.tenant_id, summary.error().message));
        // Another instance running the tenant is no failure of the run.
        if (summary.error().code != ErrorCode::conflict && conn.ok() && !(stopping && stopping())) {
            if (auto s =
                    record_failed_attempt(conn, due.tenant_id, summary.error().message, options_);
                !s) {
                report.errors.push_back(
                    fmt::format("tenant {}: {}", due.tenant_id, s.error().message));
            }
        }
        return;
    }
    report.runs.push_back(std::move(*summary));
    // Suggestions for what the run found unmapped; the next run names them.
    if (auto s = suggest_mappings(conn, due.tenant_id, options_.suggest); !s) {
        report.errors.push_back(
            fmt::format("tenant {}: suggesting mappings: {}", due.tenant_id, s.error().message));
    }
}

Expected<TickReport> Scheduler::tick(db::Connection& conn) {
    TickReport report;
    auto due_now = due(conn, report);
    if (!due_now) {
        return std::move(due_now).error();
    }
    for (const DueRun& d : *due_now) {
        run_due(conn, d, report);
    }
    return report;
}

Expected<ReconState> get_state(db::Connection& conn, std::string_view tenant_id) {
    // The next attempt: the backoff while failing with auto_run, else the
    // schedule counted from the last attempt (as kDue does).
    constexpr std::string_view kNext =
        "CASE WHEN s.failures > 0 AND coalesce(p.auto_run, true) THEN s.next_attempt_at "
        "ELSE greatest(s.last_run_at, s.last_attempt_at) + CASE WHEN p.tenant_id IS NULL "
        "THEN 1440 ELSE p.schedule_minutes END * interval '1 minute' END";
    auto r = conn.query(
        "reading the reconciliation state",
        fmt::format("SELECT coalesce(s.last_run_id::text, ''), coalesce({}, ''), "
                    "coalesce({}, ''), coalesce(s.failures, 0), coalesce(s.last_error, ''), "
                    "coalesce(p.auto_run, true), coalesce({}, '') "
                    "FROM (SELECT $1::uuid AS tenant_id) t "
                    "LEFT JOIN recon_state s ON s.tenant_id = t.tenant_id "
                    "LEFT JOIN recon_policies p ON p.tenant_id = t.tenant_id",
                    sql::iso("s.last_run_at"), sql::iso("s.last_attempt_at"),
                    sql::iso(std::string("(") + std::string(kNext) + ")")),
        db::Params().text(tenant_id));
    if (!r) {
        return std::move(r).error();
    }
    ReconState out;
    out.last_run_id = sql::text(*r, 0, 0);
    out.last_run_at = sql::text(*r, 0, 1);
    out.last_attempt_at = sql::text(*r, 0, 2);
    out.failures = static_cast<int>(r->integer(0, 3));
    out.last_error = sql::text(*r, 0, 4);
    out.auto_run = r->boolean(0, 5);
    out.next_attempt_at = sql::text(*r, 0, 6);
    return out;
}

nlohmann::json to_json(const ReconState& st) {
    auto nullable = [](const std::string& v) {
        return v.empty() ? nlohmann::json() : nlohmann::json(v);
    };
    return {{"last_run_id", nullable(st.last_run_id)},
            {"last_run_at", nullable(st.last_run_at)},
            {"last_attempt_at", nullable(st.last_attempt_at)},
            {"failures", st.failures},
            {"last_error", nullable(st.last_error)},
            {"next_attempt_at", nullable(st.next_attempt_at)},
            {"auto_run", st.auto_run}};
}

}  // namespace cs::relay::recon

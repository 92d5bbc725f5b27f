#include "relay/recon/scheduler.hpp"

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

Expected<TickReport> Scheduler::tick(db::Connection& conn) {
    TickReport report;
    if (auto s = scan_ledger(conn, report); !s) {
        return std::move(s).error();
    }
    // Due tenants: automatic runs once inputs settled, then scheduled ones.
    auto due =
        conn.query("finding due reconciliations", R"sql(
        SELECT s.tenant_id,
               CASE WHEN coalesce(p.auto_run, true) AND s.inputs_changed_at IS NOT NULL
                         AND s.inputs_changed_at > coalesce(s.last_inputs_at, '-infinity')
                         AND s.inputs_changed_at
                             <= now() - coalesce(p.settle_seconds, 60) * interval '1 second'
                    THEN 'automatic' ELSE 'scheduled' END AS trigger
        FROM recon_state s
        LEFT JOIN recon_policies p ON p.tenant_id = s.tenant_id
        WHERE (coalesce(p.auto_run, true) AND s.inputs_changed_at IS NOT NULL
               AND s.inputs_changed_at > coalesce(s.last_inputs_at, '-infinity')
               AND s.inputs_changed_at
                   <= now() - coalesce(p.settle_seconds, 60) * interval '1 second')
           OR (CASE WHEN p.tenant_id IS NULL THEN 1440 ELSE p.schedule_minutes END IS NOT NULL
               AND (s.last_run_at IS NULL
                    OR s.last_run_at <= now() - CASE WHEN p.tenant_id IS NULL THEN 1440
                                                     ELSE p.schedule_minutes END
                                                * interval '1 minute'))
        ORDER BY coalesce(s.last_run_at, '-infinity')
        LIMIT $1::int)sql",
                   db::Params().integer(static_cast<std::int64_t>(options_.max_runs_per_tick)));
    if (!due) {
        return std::move(due).error();
    }
    for (int i = 0; i < due->rows(); ++i) {
        std::string tenant = sql::text(*due, i, 0);
        RunOptions options;
        options.trigger = due->text(i, 1) == "automatic" ? Trigger::automatic : Trigger::scheduled;
        auto summary = run(conn, tenant, options);
        if (!summary) {
            report.errors.push_back(fmt::format("tenant {}: {}", tenant, summary.error().message));
            continue;
        }
        report.runs.push_back(std::move(*summary));
        // Suggestions for what the run found unmapped; the next run names them.
        if (auto s = suggest_mappings(conn, tenant, options_.suggest); !s) {
            report.errors.push_back(
                fmt::format("tenant {}: suggesting mappings: {}", tenant, s.error().message));
        }
    }
    return report;
}

}  // namespace cs::relay::recon

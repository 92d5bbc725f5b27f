#include "relay/recon/run.hpp"

#include <chrono>

#include <fmt/format.h>

#include "common/uuid/uuid.hpp"
#include "relay/recon/atomic.hpp"
#include "relay/recon/merge_sql.hpp"
#include "relay/recon/p21_catalog.hpp"
#include "relay/recon/policy.hpp"
#include "relay/recon/run_sql.hpp"
#include "relay/recon/sql_util.hpp"

namespace cs::relay::recon {
namespace {

using json = nlohmann::json;

using Clock = std::chrono::steady_clock;

// Runs one statement of the run and adds its time to the summary.
Expected<db::Result> timed(db::Connection& conn, RunSummary& summary, std::string_view what,
                           std::string_view sql, const db::Params& params) {
    auto start = Clock::now();
    auto r = conn.query(what, sql, params);
    summary.step_seconds[std::string(what)] +=
        std::chrono::duration<double>(Clock::now() - start).count();
    return r;
}

// Temporary tables get no statistics by themselves; the planner needs them to
// pick index lookups over scans of the P21 rows.
Status analyze(db::Connection& conn, RunSummary& summary, std::string_view table) {
    auto r = timed(conn, summary, "analyzing", fmt::format("ANALYZE {}", table), {});
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

json summary_json(const RunSummary& s) {
    return {{"lines", s.lines},
            {"lines_invalid", s.lines_invalid},
            {"lines_mapped", s.lines_mapped},
            {"findings", s.findings},
            {"opened", s.opened},
            {"reopened", s.reopened},
            {"still_open", s.still_open},
            {"still_resolved", s.still_resolved},
            {"overridden", s.overridden},
            {"override_ended", s.override_ended},
            {"auto_resolved", s.auto_resolved},
            {"open_after", s.open_after},
            {"step_seconds", s.step_seconds},
            {"scope", s.scope}};
}

void summary_from_json(const json& j, RunSummary& s) {
    if (!j.is_object()) {
        return;
    }
    auto get = [&](const char* key) { return j.value(key, std::int64_t{0}); };
    s.lines = get("lines");
    s.lines_invalid = get("lines_invalid");
    s.lines_mapped = get("lines_mapped");
    s.opened = get("opened");
    s.reopened = get("reopened");
    s.still_open = get("still_open");
    s.still_resolved = get("still_resolved");
    s.overridden = get("overridden");
    s.override_ended = get("override_ended");
    s.auto_resolved = get("auto_resolved");
    s.open_after = get("open_after");
    if (auto it = j.find("findings"); it != j.end() && it->is_object()) {
        for (const auto& [rule, n] : it->items()) {
            s.findings[rule] = n.get<std::int64_t>();
        }
    }
    if (auto it = j.find("scope"); it != j.end() && it->is_array()) {
        s.scope = *it;
    }
    if (auto it = j.find("step_seconds"); it != j.end() && it->is_object()) {
        for (const auto& [step, seconds] : it->items()) {
            s.step_seconds[step] = seconds.get<double>();
        }
    }
}

std::string select_runs() {
    return "SELECT run_id, trigger, status, as_of, coalesce(requested_by::text, ''), " +
           sql::iso("started_at") + ", coalesce(" + sql::iso("finished_at") +
           ", ''), coalesce(error, ''), coalesce(summary::text, '{}') FROM recon_runs";
}

RunSummary run_from(const db::Result& r, int row) {
    RunSummary s;
    s.run_id = sql::text(r, row, 0);
    s.trigger = sql::text(r, row, 1);
    s.status = sql::text(r, row, 2);
    s.as_of = sql::text(r, row, 3);
    s.requested_by = sql::text(r, row, 4);
    s.started_at = sql::text(r, row, 5);
    s.finished_at = sql::text(r, row, 6);
    s.error = sql::text(r, row, 7);
    summary_from_json(json::parse(r.text(row, 8), nullptr, false), s);
    return s;
}

std::optional<std::string> decimal_text(const std::optional<Decimal>& d) {
    return d ? std::optional<std::string>(d->to_string()) : std::nullopt;
}

// The statements of one run, inside the caller's unit of work.
Status evaluate(db::Connection& conn, const std::string& tenant, const std::string& run_id,
                const std::string& as_of, const Policy& policy, RunSummary& summary) {
    bool limited = summary.scope.is_array() && !summary.scope.empty();
    std::string scope = limited ? summary.scope.dump() : "[]";
    auto t = [&] { return db::Params().text(tenant); };
    struct Step {
        std::string_view what;
        std::string_view sql;
        db::Params params;
        std::string_view analyze;  // the table to analyze afterwards, if any
    };
    const Step steps[] = {
        {"collecting contract lines", run_sql::kLines, t(), limited ? "" : "cs_recon_lines"},
        {"limiting the lines", limited ? run_sql::kScopeLines : "", db::Params().text(scope),
         "cs_recon_lines"},
        {"resolving vendors", run_sql::kVendors, t(), "cs_recon_vendors"},
        {"resolving items", run_sql::kWork, t().boolean(policy.auto_approve_exact),
         "cs_recon_work"},
        {"reading P21 facts", run_sql::kFacts, t(), ""},
        {"evaluating rules", run_sql::kHits,
         t().text(as_of)
             .optional_text(decimal_text(policy.abs_tolerance))
             .optional_text(decimal_text(policy.pct_tolerance))
             .text(policy.tolerance_mode)
             .text(policy.high_severity_pct.to_string())
             .text(policy.currency),
         ""},
        {"matching exceptions", run_sql::kMerge, t().text(as_of), ""},
        {"indexing matches", run_sql::kMergeIndex, {}, "cs_recon_merge"},
        {"describing changes", run_sql::kChanges, t(), ""},
        {"opening exceptions", run_sql::kInsertNew, t().text(run_id), ""},
        {"updating exceptions", run_sql::kUpdateFound, t().text(run_id), ""},
    };
    // The run's plans are index lookups and hash joins over narrow tables: JIT
    // compilation would cost more than it saves, samples of a few thousand
    // rows are statistics enough for the temporary tables, and the hash tables
    // of 100k lines should stay in memory.
    if (auto r = conn.exec("preparing the run",
                           "SET LOCAL jit = off; SET LOCAL default_statistics_target = 10; "
                           "SET LOCAL work_mem = '256MB'; " +
                               std::string(run_sql::kDropTemps));
        !r) {
        return std::move(r).error();
    }
    auto start = Clock::now();
    auto catalog = refresh_p21_catalog(conn, tenant);
    summary.step_seconds["refreshing the P21 catalog"] =
        std::chrono::duration<double>(Clock::now() - start).count();
    if (!catalog) {
        return std::move(catalog).error();
    }
    // Every statement below works on whole sets: all of the tenant's lines,
    // catalog rows or exceptions. PostgreSQL's estimate of a tenant's rows in
    // a shared table can be off by any factor (a tenant newer than the last
    // ANALYZE, rows written by this very transaction), and a nested loop
    // planned on "one row" is quadratic in what it really finds. Hash joins
    // cost the size of both sides whatever the estimates; LATERAL lookups,
    // which need a nested loop, still get one.
    if (auto r = conn.exec("preparing the run", "SET LOCAL enable_nestloop = off"); !r) {
        return std::move(r).error();
    }
    for (const Step& step : steps) {
        if (step.sql.empty()) {
            continue;
        }
        if (auto r = timed(conn, summary, step.what, step.sql, step.params); !r) {
            return std::move(r).error();
        }
        if (!step.analyze.empty()) {
            if (auto s = analyze(conn, summary, step.analyze); !s) {
                return s;
            }
        }
    }
    auto resolved = timed(conn, summary, "resolving cleared exceptions", run_sql::kAutoResolve,
                          t().text(run_id).text(scope));
    if (!resolved) {
        return std::move(resolved).error();
    }
    summary.auto_resolved = resolved->integer(0, 0);
    auto counts = timed(conn, summary, "counting", run_sql::kCounts, t());
    if (!counts) {
        return std::move(counts).error();
    }
    summary.lines = counts->integer(0, 0);
    summary.lines_invalid = counts->integer(0, 1);
    summary.lines_mapped = counts->integer(0, 2);
    summary.opened = counts->integer(0, 3);
    summary.reopened = counts->integer(0, 4);
    summary.still_open = counts->integer(0, 5);
    summary.overridden = counts->integer(0, 6);
    summary.override_ended = counts->integer(0, 7);
    summary.open_after = counts->integer(0, 8);
    summary.still_resolved = counts->integer(0, 10);
    for (Rule rule : kAllRules) {
        summary.findings[std::string(to_string(rule))] = 0;
    }
    auto findings = json::parse(counts->text(0, 9), nullptr, false);
    if (findings.is_object()) {
        for (const auto& [rule, n] : findings.items()) {
            summary.findings[rule] = n.get<std::int64_t>();
        }
    }
    if (auto r = conn.exec("cleaning up the run", run_sql::kDropTemps); !r) {
        return std::move(r).error();
    }
    return ok();
}

std::string upper(std::string_view text) {
    std::string out;
    for (char c : text) {
        out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    return out;
}

// A limited run's scope as the statements read it (vendor and UOM upper case,
// as lines store them); null for a run of everything.
Expected<json> scope_json(const std::vector<LineScope>& scope) {
    if (scope.empty()) {
        return json();
    }
    if (scope.size() > kMaxBulkItems) {
        return make_error(ErrorCode::invalid_argument, "a run is limited to at most {} scopes",
                          kMaxBulkItems);
    }
    json out = json::array();
    for (const auto& s : scope) {
        if (s.vendor_id.empty() || s.vendor_id.size() > 1024 || s.vendor_item.size() > 1024 ||
            s.vendor_uom.size() > 1024) {
            return make_error(ErrorCode::invalid_argument,
                              "a run's scope needs a vendor id (1-1024 bytes)");
        }
        out.push_back({{"vendor_id", upper(s.vendor_id)},
                       {"vendor_item", s.vendor_item},
                       {"vendor_uom", upper(s.vendor_uom)}});
    }
    return out;
}

// A limited run is not the tenant's last run: recon_state stays as it is, so
// the scheduler still reconciles every line after the inputs settle.
Expected<db::Result> finish_limited(db::Connection& conn, const std::string& tenant,
                                    const RunSummary& summary) {
    return conn.query(
        "finishing the run", R"sql(
        UPDATE recon_runs SET status = 'succeeded', finished_at = clock_timestamp(),
               summary = $3::jsonb
        WHERE tenant_id = $1::uuid AND run_id = $2::uuid
        RETURNING )sql" + sql::iso("finished_at"),
        db::Params().text(tenant).text(summary.run_id).text(summary_json(summary).dump()));
}

// A run that failed leaves a row saying so, written after the rollback.
void record_failure(db::Connection& conn, const std::string& tenant, const RunSummary& run) {
    (void)conn.query("recording a failed run", R"sql(
        INSERT INTO recon_runs (tenant_id, run_id, trigger, requested_by, status, as_of,
                                finished_at, error)
        VALUES ($1::uuid, $2::uuid, $3, nullif($4, '')::uuid, 'failed', $5::date,
                clock_timestamp(), $6)
        ON CONFLICT DO NOTHING)sql",
                     db::Params()
                         .text(tenant)
                         .text(run.run_id)
                         .text(run.trigger)
                         .text(run.requested_by)
                         .text(run.as_of)
                         .text(run.error));
}

}  // namespace

std::string_view to_string(Trigger trigger) {
    switch (trigger) {
        case Trigger::manual:
            return "manual";
        case Trigger::scheduled:
            return "scheduled";
        case Trigger::automatic:
            return "automatic";
        case Trigger::fix:
            return "fix";
    }
    return "manual";
}

Expected<RunSummary> run(db::Connection& conn, std::string_view tenant_id,
                         const RunOptions& options) {
    auto tenant = canonical_uuid(tenant_id, "tenant id");
    if (!tenant) {
        return std::move(tenant).error();
    }
    RunSummary summary;
    summary.run_id = uuid_v7().to_string();
    summary.trigger = std::string(to_string(options.trigger));
    summary.requested_by = options.requested_by.user_id;
    auto scope = scope_json(options.scope);
    if (!scope) {
        return std::move(scope).error();
    }
    summary.scope = std::move(*scope);
    if (options.as_of) {
        summary.as_of = options.as_of->to_iso();
    } else {
        auto today = conn.query("reading the date", "SELECT (now() AT TIME ZONE 'UTC')::date");
        if (!today) {
            return std::move(today).error();
        }
        summary.as_of = sql::text(*today, 0, 0);
    }
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    bool nested = unit->nested();
    auto locked = try_lock_tenant(conn, *tenant);
    if (!locked) {
        return std::move(locked).error();
    }
    if (!*locked) {
        return make_error(ErrorCode::conflict,
                          "a reconciliation run of tenant {} is already in progress", *tenant);
    }
    auto policy = get_policy(conn, *tenant);
    if (!policy) {
        return std::move(policy).error();
    }
    auto started = conn.query("starting the run", R"sql(
        INSERT INTO recon_runs (tenant_id, run_id, trigger, requested_by, status, as_of)
        VALUES ($1::uuid, $2::uuid, $3, nullif($4, '')::uuid, 'running', $5::date)
        RETURNING )sql" + sql::iso("started_at") + ", now()::text",
                              db::Params()
                                  .text(*tenant)
                                  .text(summary.run_id)
                                  .text(summary.trigger)
                                  .text(summary.requested_by)
                                  .text(summary.as_of));
    if (!started) {
        return std::move(started).error();
    }
    summary.started_at = sql::text(*started, 0, 0);
    std::string snapshot = sql::text(*started, 0, 1);

    Status evaluated = evaluate(conn, *tenant, summary.run_id, summary.as_of, *policy, summary);
    if (!evaluated) {
        summary.error = evaluated.error().message;
        unit->rollback();
        // Outside a caller's transaction the failure is recorded on its own;
        // inside one it is the caller's to report.
        if (!nested && conn.ok()) {
            summary.status = "failed";
            record_failure(conn, *tenant, summary);
        }
        return std::move(evaluated).error().wrap("reconciliation run");
    }
    summary.status = "succeeded";
    auto finished = !summary.scope.is_null() ? finish_limited(conn, *tenant, summary)
                                             : conn.query("finishing the run", R"sql(
        WITH run AS (
            UPDATE recon_runs SET status = 'succeeded', finished_at = clock_timestamp(),
                   summary = $3::jsonb, inputs_at = $4::timestamptz
            WHERE tenant_id = $1::uuid AND run_id = $2::uuid
            RETURNING finished_at)
        INSERT INTO recon_state AS s (tenant_id, last_run_id, last_run_at, last_inputs_at,
                                      last_attempt_at)
        SELECT $1::uuid, $2::uuid, finished_at, $4::timestamptz, finished_at FROM run
        ON CONFLICT (tenant_id) DO UPDATE SET
            last_run_id = EXCLUDED.last_run_id, last_run_at = EXCLUDED.last_run_at,
            last_inputs_at = greatest(s.last_inputs_at, EXCLUDED.last_inputs_at),
            last_attempt_at = EXCLUDED.last_attempt_at, failures = 0, last_error = NULL,
            next_attempt_at = NULL
        RETURNING )sql" + sql::iso("last_run_at"),
                                                          db::Params()
                                                              .text(*tenant)
                                                              .text(summary.run_id)
                                                              .text(summary_json(summary).dump())
                                                              .text(snapshot));
    if (!finished) {
        return std::move(finished).error();
    }
    summary.finished_at = sql::text(*finished, 0, 0);
    if (auto s = unit->commit(); !s) {
        return std::move(s).error();
    }
    return summary;
}

Expected<std::optional<RunSummary>> reevaluate(db::Connection& conn, std::string_view tenant_id,
                                               std::vector<LineScope> scope, const Actor& actor) {
    RunOptions options;
    options.trigger = Trigger::fix;
    options.requested_by = actor;
    options.scope = std::move(scope);
    auto summary = run(conn, tenant_id, options);
    if (!summary) {
        if (summary.error().code == ErrorCode::conflict) {
            return std::optional<RunSummary>();
        }
        return std::move(summary).error();
    }
    return std::optional<RunSummary>(std::move(*summary));
}

json to_json(const RunSummary& run) {
    json out = summary_json(run);
    auto nullable = [](const std::string& s) { return s.empty() ? json() : json(s); };
    out["run_id"] = run.run_id;
    out["trigger"] = run.trigger;
    out["status"] = run.status;
    out["as_of"] = run.as_of;
    out["requested_by"] = nullable(run.requested_by);
    out["started_at"] = nullable(run.started_at);
    out["finished_at"] = nullable(run.finished_at);
    out["error"] = nullable(run.error);
    return out;
}

Expected<RunSummary> get_run(db::Connection& conn, std::string_view tenant_id,
                             std::string_view run_id) {
    auto id = canonical_uuid(run_id, "run id");
    if (!id) {
        return std::move(id).error();
    }
    auto r = conn.query("reading a run",
                        select_runs() + " WHERE tenant_id = $1::uuid AND run_id = $2::uuid",
                        db::Params().text(tenant_id).text(*id));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::not_found, "run {} not found", *id);
    }
    return run_from(*r, 0);
}

Expected<Page<RunSummary>> list_runs(db::Connection& conn, std::string_view tenant_id,
                                     std::string_view cursor, int limit) {
    auto after = sql::parse_uuid_cursor(cursor);
    if (!after) {
        return std::move(after).error();
    }
    int n = sql::page_size(limit);
    auto r = conn.query("listing runs",
                        select_runs() +
                            " WHERE tenant_id = $1::uuid AND ($2 = '' OR run_id < nullif($2, "
                            "'')::uuid) ORDER BY run_id DESC LIMIT $3::int",
                        db::Params().text(tenant_id).text(*after).integer(n + 1));
    if (!r) {
        return std::move(r).error();
    }
    return sql::uuid_page(*r, n, run_from, &RunSummary::run_id);
}

}  // namespace cs::relay::recon

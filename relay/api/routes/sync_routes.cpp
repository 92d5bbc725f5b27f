// Sync results reported by agents: runs, failed rows, parked children.
#include <fmt/format.h>

#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/api/routes/site_json.hpp"

namespace cs::relay::api::routes {
namespace {

Reply list_runs(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    auto rows = json_rows(
        ctx.db, "listing runs",
        "SELECT json_build_object('run_id', r.run_id, 'entity', r.entity, 'status', r.status, "
        "'mode', r.report ->> 'mode', 'source', r.report ->> 'source', 'started_at', "
        "r.started_at, 'finished_at', r.finished_at, 'counts', r.counts, 'durations', "
        "r.durations, 'success_rate', r.report -> 'success_rate', 'error', r.error, 'note', "
        "r.report ->> 'note', 'received_at', r.received_at, 'cursor', "
        "to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')) "
        "FROM sync_runs r WHERE r.tenant_id = $1::uuid AND r.site_id = $2::uuid AND ($3 = '' OR "
        "r.entity = $3) AND ($4 = '' OR r.status = $4) AND ($5 = '' OR (r.received_at, r.run_id, "
        "r.entity) < (nullif($5, '')::timestamp AT TIME ZONE 'UTC', $6, $7)) ORDER BY "
        "r.received_at DESC, r.run_id DESC, r.entity DESC LIMIT $8",
        db::Params()
            .text(*tenant)
            .text(ctx.param("site_id"))
            .text(filter(ctx, "entity"))
            .text(filter(ctx, "status"))
            .text(cursor_part(*page, 0))
            .text(cursor_part(*page, 1))
            .text(cursor_part(*page, 2))
            .integer(page->fetch()));
    if (!rows) {
        return Reply::from(rows.error());
    }
    auto out = page_of(std::move(*rows), *page, [](const nlohmann::json& r) {
        return nlohmann::json::array({r["cursor"], r["run_id"], r["entity"]});
    });
    for (auto& item : out["items"]) {
        item.erase("cursor");
    }
    return Reply::json(std::move(out));
}

Reply list_failed_rows(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    auto rows = json_rows(
        ctx.db, "listing failed rows",
        "SELECT json_build_object('entity', f.entity, 'stream_id', f.stream_id, 'row_id', "
        "f.row_id, 'run_id', f.run_id, 'stage', f.stage, 'field', f.field, 'error', f.error, "
        "'value', f.value, 'location', f.location::jsonb, 'raw', f.raw, 'raw_truncated', "
        "f.raw_truncated, 'created_at', f.created_at, 'received_at', f.received_at) "
        "FROM failed_rows f WHERE f.tenant_id = $1::uuid AND f.site_id = $2::uuid AND ($3 = '' OR "
        "f.entity = $3) AND ($4 = '' OR (f.entity, f.stream_id, f.row_id) > ($4, $5, $6)) "
        "ORDER BY f.entity, f.stream_id, f.row_id LIMIT $7",
        db::Params()
            .text(*tenant)
            .text(ctx.param("site_id"))
            .text(filter(ctx, "entity"))
            .text(cursor_part(*page, 0))
            .text(cursor_part(*page, 1))
            .text(cursor_part(*page, 2))
            .integer(page->fetch()));
    return page_reply(std::move(rows), *page, {"entity", "stream_id", "row_id"});
}

Reply list_pending_children(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    auto rows = json_rows(
        ctx.db, "listing pending children",
        "SELECT json_build_object('entity', p.entity, 'bk_hash', encode(p.bk_hash, 'hex'), "
        "'parent_entity', p.parent_entity, 'parent_bk_hash', encode(p.parent_bk_hash, 'hex'), "
        "'data', p.data, 'sequence', p.sequence, 'parked_at', p.parked_at) FROM "
        "pending_children p WHERE p.tenant_id = $1::uuid AND p.site_id = $2::uuid AND ($3 = '' "
        "OR p.entity = $3) AND ($4 = '' OR (p.entity, p.bk_hash) > ($4, decode($5, 'hex'))) "
        "ORDER BY p.entity, p.bk_hash LIMIT $6",
        db::Params()
            .text(*tenant)
            .text(ctx.param("site_id"))
            .text(filter(ctx, "entity"))
            .text(cursor_part(*page, 0))
            .text(cursor_part(*page, 1))
            .integer(page->fetch()));
    return page_reply(std::move(rows), *page, {"entity", "bk_hash"});
}

// A chart's time window: the last `hours`, in buckets of `bucket_minutes`.
struct ChartWindow {
    std::int64_t hours = 0;
    std::int64_t bucket_minutes = 0;
};

Expected<ChartWindow> chart_window(RequestContext& ctx, std::int64_t default_bucket_minutes,
                                   std::int64_t min_bucket_minutes) {
    auto hours = ctx.query.integer("hours", 24, 1, 720);
    auto bucket_minutes =
        ctx.query.integer("bucket_minutes", default_bucket_minutes, min_bucket_minutes, 1440);
    if (!hours || !bucket_minutes) {
        return !hours ? hours.error() : bucket_minutes.error();
    }
    if (*hours * 60 / *bucket_minutes > 1000) {
        return make_error(ErrorCode::invalid_argument,
                          "at most 1000 buckets: raise bucket_minutes or lower hours");
    }
    return ChartWindow{*hours, *bucket_minutes};
}

Reply chart_reply(RequestContext& ctx, const ChartWindow& window,
                  Expected<std::vector<nlohmann::json>> buckets) {
    if (!buckets) {
        return Reply::from(buckets.error());
    }
    return Reply::json({{"site_id", ctx.param("site_id")},
                        {"hours", window.hours},
                        {"bucket_minutes", window.bucket_minutes},
                        {"buckets", std::move(*buckets)}});
}

// Activity over time for charts: change sets and rows applied, runs finished
// and failed, per bucket; every bucket of the window is present, empty or not.
Reply throughput(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto window = chart_window(ctx, 60, 5);
    if (!window) {
        return Reply::from(window.error());
    }
    auto rows = json_rows(
        ctx.db, "summarising throughput",
        "WITH w AS (SELECT make_interval(mins => $4::int) AS stride, now() - make_interval(hours "
        "=> $3::int) AS since), applied AS (SELECT date_bin(w.stride, a.applied_at, "
        "'epoch'::timestamptz) AS start, count(*) AS change_sets, sum(a.row_count) AS rows, "
        "sum(a.rows_changed) AS rows_changed FROM applied_change_sets a, w WHERE a.tenant_id = "
        "$1::uuid AND a.site_id = $2::uuid AND a.applied_at >= w.since AND ($5 = '' OR a.entity "
        "= $5) GROUP BY 1), runs AS (SELECT date_bin(w.stride, r.finished_at, "
        "'epoch'::timestamptz) AS start, count(*) AS runs, count(*) FILTER (WHERE r.status = "
        "'failed') AS failed_runs FROM sync_runs r, w WHERE r.tenant_id = $1::uuid AND r.site_id "
        "= $2::uuid AND r.finished_at >= w.since AND ($5 = '' OR r.entity = $5) GROUP BY 1) "
        "SELECT json_build_object('start', b.start, 'change_sets', coalesce(applied.change_sets, "
        "0), 'rows', coalesce(applied.rows, 0), 'rows_changed', coalesce(applied.rows_changed, "
        "0), 'runs', coalesce(runs.runs, 0), 'failed_runs', coalesce(runs.failed_runs, 0)) FROM "
        "w, generate_series(date_bin(w.stride, w.since, 'epoch'::timestamptz), now(), w.stride) "
        "AS b(start) LEFT JOIN applied USING (start) LEFT JOIN runs USING (start) ORDER BY "
        "b.start",
        db::Params()
            .text(*tenant)
            .text(ctx.param("site_id"))
            .integer(window->hours)
            .integer(window->bucket_minutes)
            .text(filter(ctx, "entity")));
    return chart_reply(ctx, *window, std::move(rows));
}

// The site's heartbeats over time, for the heartbeat chart: per bucket, how
// many arrived and the largest outbox the agent reported in them. Every bucket
// of the window is present; one with no beats is a gap in contact.
Reply heartbeats(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto window = chart_window(ctx, 15, 1);
    if (!window) {
        return Reply::from(window.error());
    }
    auto rows = json_rows(
        ctx.db, "summarising heartbeats",
        "WITH w AS (SELECT make_interval(mins => $4::int) AS stride, now() - make_interval(hours "
        "=> $3::int) AS since), beats AS (SELECT date_bin(w.stride, h.minute, "
        "'epoch'::timestamptz) AS start, sum(h.beats) AS beats, max(h.outbox_depth) AS "
        "outbox_depth, max(h.outbox_oldest_seconds) AS outbox_oldest_seconds FROM "
        "site_heartbeats h, w WHERE h.tenant_id = $1::uuid AND h.site_id = $2::uuid AND h.minute "
        ">= date_bin(w.stride, w.since, 'epoch'::timestamptz) GROUP BY 1) SELECT "
        "json_build_object('start', b.start, 'beats', coalesce(beats.beats, 0), 'outbox_depth', "
        "beats.outbox_depth, 'outbox_oldest_seconds', beats.outbox_oldest_seconds) FROM w, "
        "generate_series(date_bin(w.stride, w.since, 'epoch'::timestamptz), now(), w.stride) AS "
        "b(start) LEFT JOIN beats USING (start) ORDER BY b.start",
        db::Params()
            .text(*tenant)
            .text(ctx.param("site_id"))
            .integer(window->hours)
            .integer(window->bucket_minutes));
    return chart_reply(ctx, *window, std::move(rows));
}

}  // namespace

void add_sync_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/sites/{site_id}/runs", kAnyone, Access::scoped, list_runs,
           "Sync runs with per-stage counts and durations, newest first (filters: entity, "
           "status)"});
    t.add({"GET", "/api/v1/sites/{site_id}/failed-rows", kAnyone, Access::scoped, list_failed_rows,
           "Rows the agent could not process (filter: entity)"});
    t.add({"GET", "/api/v1/sites/{site_id}/pending-children", kAnyone, Access::scoped,
           list_pending_children, "Child rows parked until their parent arrives"});
    t.add({"GET", "/api/v1/sites/{site_id}/throughput", kAnyone, Access::scoped, throughput,
           "Change sets, rows and runs per time bucket, for charts (filters: hours, "
           "bucket_minutes, entity)"});
    t.add({"GET", "/api/v1/sites/{site_id}/heartbeats", kAnyone, Access::scoped, heartbeats,
           "Heartbeats received and the outbox they reported, per time bucket, for charts "
           "(filters: hours, bucket_minutes)"});
}

}  // namespace cs::relay::api::routes

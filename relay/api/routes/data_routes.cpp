// Synced data: entities per site, records with filters, sorts, counts and
// page jumps, their CSV export, one record with its field-level history.
#include <algorithm>

#include <fmt/format.h>

#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/record_export.hpp"
#include "relay/api/routes/record_history.hpp"
#include "relay/api/routes/record_view.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/api/routes/site_json.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::size_t kMaxHistory = 200;

Reply list_entities(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    auto rows = json_rows(
        ctx.db, "listing entities",
        "SELECT json_build_object('entity', r.entity, 'rows', count(*) FILTER (WHERE NOT "
        "r.deleted), 'deleted', count(*) FILTER (WHERE r.deleted), 'last_changed_at', "
        "max(r.last_changed_at), 'pending_children', (SELECT count(*) FROM pending_children p "
        "WHERE p.tenant_id = $1::uuid AND p.site_id = $2::uuid AND p.entity = r.entity)) "
        "FROM records r WHERE r.tenant_id = $1::uuid AND r.site_id = $2::uuid AND ($3 = '' OR "
        "r.entity > $3) GROUP BY r.entity ORDER BY r.entity LIMIT $4",
        db::Params()
            .text(*tenant)
            .text(ctx.param("site_id"))
            .text(cursor_part(*page, 0))
            .integer(page->fetch()));
    return page_reply(std::move(rows), *page, {"entity"});
}

Reply list_records(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    auto view = parse_view(ctx, *tenant);
    if (!view) {
        return Reply::from(view.error());
    }
    auto start = page_start(ctx, *view, *page);
    auto fields = entity_fields(ctx.db, *view);
    if (!start || !fields) {
        return Reply::from(!start ? start.error() : fields.error());
    }
    if (auto s = check_fields(ctx.db, *view, *fields); !s) {
        return Reply::from(s.error());
    }
    auto count = count_view(ctx.db, *view);
    if (!count) {
        return Reply::from(count.error());
    }
    if (auto s = check_sortable(*view, *count); !s) {
        return Reply::from(s.error());
    }
    auto rows = fetch_page(ctx.db, *view, *start, page->size);
    if (!rows) {
        return Reply::from(rows.error());
    }
    if (start->mode == PageStart::Mode::last && count->exact && count->total) {
        rows->position = std::max<std::int64_t>(
            0, *count->total - static_cast<std::int64_t>(rows->items.size()));
    }
    auto out = page_json(*view, std::move(*rows), page->size);
    out["total"] = count->total ? nlohmann::json(*count->total) : nlohmann::json();
    out["total_exact"] = count->exact;
    out["fields"] = std::move(*fields);
    out["sort"] = view->sort.empty() ? "bk_hash" : view->sort;
    out["order"] = view->descending ? "desc" : "asc";
    return Reply::json(std::move(out));
}

Reply get_record(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    const auto& entity = ctx.param("entity");
    const auto& key = ctx.param("bk_hash");
    if (!is_bk_hash(key)) {
        return bad_request("the record key must be a bk_hash: 32 lowercase hex characters");
    }
    auto record = json_row(
        ctx.db, "reading the record",
        fmt::format("SELECT {} FROM records r WHERE r.tenant_id = $1::uuid AND r.site_id = "
                    "$2::uuid AND r.entity = $3 AND r.bk_hash = decode($4, 'hex')",
                    kRecordJson),
        db::Params().text(*tenant).text(ctx.param("site_id")).text(entity).text(key),
        fmt::format("no {} record {} at this site", entity, key));
    if (!record) {
        return Reply::from(record.error());
    }
    // The change log is pruned by retention, so history covers its window.
    auto history = json_rows(
        ctx.db, "reading the record's history",
        fmt::format("SELECT json_build_object('op', CASE l.op WHEN 'i' THEN 'insert' WHEN 'u' "
                    "THEN 'update' ELSE 'delete' END, 'sequence', l.sequence, 'stream_id', "
                    "l.stream_id, 'data_hash', encode(l.data_hash, 'hex'), 'changed_at', "
                    "l.changed_at, 'old_data', l.old_data) FROM change_log l WHERE l.tenant_id = "
                    "$1::uuid AND l.site_id = $2::uuid AND l.entity = $3 AND l.bk_hash = "
                    "decode($4, 'hex') ORDER BY l.changed_at DESC, l.sequence DESC LIMIT {}",
                    kMaxHistory),
        db::Params().text(*tenant).text(ctx.param("site_id")).text(entity).text(key));
    if (!history) {
        return Reply::from(history.error());
    }
    auto out = std::move(*record);
    out["entity"] = entity;
    out["history"] = field_history(std::move(*history), out["data"]);
    return Reply::json(std::move(out));
}

}  // namespace

void add_data_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/sites/{site_id}/entities", kAnyone, Access::scoped, list_entities,
           "Entities synced from the site with row counts and last change"});
    t.add({"GET", "/api/v1/sites/{site_id}/entities/{entity}/records", kAnyone, Access::scoped,
           list_records,
           "Records of an entity (filters: key, field.<name>, q, include_deleted; sort, order; "
           "page_token, offset, last) with a count and the entity's fields"});
    t.add({"GET", "/api/v1/sites/{site_id}/entities/{entity}/records/{bk_hash}", kAnyone,
           Access::scoped, get_record, "One record with its field-level change history"});
    t.add({"GET", "/api/v1/sites/{site_id}/entities/{entity}/export", kAnyone, Access::scoped,
           export_records, "The filtered, sorted records of an entity as CSV"})
        .heavy = true;
}

}  // namespace cs::relay::api::routes

// Synced data: entities per site, records with filters, one record with its
// change history.
#include <fmt/format.h>

#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/api/routes/site_json.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::size_t kMaxFieldFilters = 8;

constexpr std::string_view kRecordJson =
    "json_build_object('bk_hash', encode(r.bk_hash, 'hex'), 'parent_bk_hash', "
    "encode(r.parent_bk_hash, 'hex'), 'data', r.data, 'data_hash', encode(r.data_hash, 'hex'), "
    "'rowversion', r.rowversion, 'deleted', r.deleted, 'first_changed_at', r.first_changed_at, "
    "'last_changed_at', r.last_changed_at, 'last_sequence', r.last_sequence)";

bool is_hex32(std::string_view s) {
    if (s.size() != 32) {
        return false;
    }
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

Status check_entity(std::string_view entity) {
    if (entity.empty() || entity.size() > 128) {
        return make_error(ErrorCode::invalid_argument, "entity names are 1 to 128 characters");
    }
    return ok();
}

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
    const auto& entity = ctx.param("entity");
    if (auto s = check_entity(entity); !s) {
        return Reply::from(s.error());
    }
    auto key = filter(ctx, "key");
    if (!key.empty() && !is_hex32(key)) {
        return bad_request("'key' must be a bk_hash: 32 lowercase hex characters");
    }
    auto include_deleted = filter(ctx, "include_deleted");
    if (!include_deleted.empty() && include_deleted != "true" && include_deleted != "false") {
        return bad_request("'include_deleted' must be true or false");
    }
    db::Params p;
    p.text(*tenant).text(ctx.param("site_id")).text(entity).text(key);
    p.boolean(include_deleted == "true").text(filter(ctx, "q")).text(cursor_part(*page, 0));
    p.integer(page->fetch());
    // field.<name>=<value>: exact match on a field's text.
    std::string fields;
    int n = 9;
    std::size_t count = 0;
    for (const auto& [name, value] : ctx.query.all()) {
        if (name.rfind("field.", 0) != 0) {
            continue;
        }
        if (++count > kMaxFieldFilters) {
            return bad_request(fmt::format("at most {} field filters", kMaxFieldFilters));
        }
        auto field = name.substr(6);
        if (field.empty() || field.size() > 128) {
            return bad_request(fmt::format("'{}': field names are 1 to 128 characters", name));
        }
        fields += fmt::format(" AND r.data ->> ${} = ${}", n, n + 1);
        n += 2;
        p.text(field).text(value);
    }
    auto rows = json_rows(
        ctx.db, "listing records",
        fmt::format("SELECT {} FROM records r WHERE r.tenant_id = $1::uuid AND r.site_id = "
                    "$2::uuid AND r.entity = $3 AND ($4 = '' OR r.bk_hash = decode($4, 'hex')) "
                    "AND ($5 OR NOT r.deleted) AND ($6 = '' OR strpos(lower(r.data::text), "
                    "lower($6)) > 0) AND ($7 = '' OR r.bk_hash > decode($7, 'hex')){} "
                    "ORDER BY r.bk_hash LIMIT $8",
                    kRecordJson, fields),
        p);
    return page_reply(std::move(rows), *page, {"bk_hash"});
}

Reply get_record(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    const auto& entity = ctx.param("entity");
    const auto& key = ctx.param("bk_hash");
    if (!is_hex32(key)) {
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
        "SELECT json_build_object('op', CASE l.op WHEN 'i' THEN 'insert' WHEN 'u' THEN 'update' "
        "ELSE 'delete' END, 'sequence', l.sequence, 'stream_id', l.stream_id, 'data_hash', "
        "encode(l.data_hash, 'hex'), 'changed_at', l.changed_at) FROM change_log l WHERE "
        "l.tenant_id = $1::uuid AND l.site_id = $2::uuid AND l.entity = $3 AND l.bk_hash = "
        "decode($4, 'hex') ORDER BY l.changed_at DESC, l.sequence DESC LIMIT 200",
        db::Params().text(*tenant).text(ctx.param("site_id")).text(entity).text(key));
    if (!history) {
        return Reply::from(history.error());
    }
    auto out = std::move(*record);
    out["entity"] = entity;
    out["history"] = std::move(*history);
    return Reply::json(std::move(out));
}

}  // namespace

void add_data_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/sites/{site_id}/entities", kAnyone, Access::scoped, list_entities,
           "Entities synced from the site with row counts and last change"});
    t.add({"GET", "/api/v1/sites/{site_id}/entities/{entity}/records", kAnyone, Access::scoped,
           list_records, "Records of an entity (filters: key, field.<name>, q, include_deleted)"});
    t.add({"GET", "/api/v1/sites/{site_id}/entities/{entity}/records/{bk_hash}", kAnyone,
           Access::scoped, get_record, "One record with its change history"});
}

}  // namespace cs::relay::api::routes

// Sites with live status: list, detail, connection history, create (the key is
// returned once), rotate key, revoke.
#include <fmt/format.h>

#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/api/routes/site_json.hpp"
#include "relay/db/exact_json.hpp"
#include "relay/sites/sites.hpp"

namespace cs::relay::api::routes {
namespace {

Reply list_sites(RequestContext& ctx) {
    auto page = ctx.page();
    if (!page) {
        return Reply::from(page.error());
    }
    auto rows = list_site_overview(ctx, *page, SiteOrder::by_name);
    return page_reply(std::move(rows), *page, site_sort_key(SiteOrder::by_name));
}

Reply get_site(RequestContext& ctx) {
    auto id = uuid_param(ctx, "site_id");
    if (!id) {
        return Reply::from(id.error());
    }
    auto site = load_site(ctx, *id);
    if (!site) {
        return Reply::from(site.error());
    }
    // The latest run of each entity as stored from run reports (the heartbeat's
    // copy may lag), recent connections, open alerts and the current keys.
    auto extra = ctx.db.query(
        "reading the site's details",
        "SELECT (SELECT coalesce(json_agg(r ORDER BY r.entity), '[]') FROM (SELECT DISTINCT ON "
        "(entity) entity, run_id, status, started_at, finished_at, counts, durations, error "
        "FROM sync_runs WHERE tenant_id = $2::uuid AND site_id = $1::uuid ORDER BY entity, "
        "finished_at DESC NULLS LAST) r), "
        "(SELECT coalesce(json_agg(c ORDER BY c.connected_at DESC), '[]') FROM (SELECT "
        "session_id, connected_at, disconnected_at, address, agent_version, host, "
        "relay_instance FROM site_connections WHERE tenant_id = $2::uuid AND site_id = "
        "$1::uuid ORDER BY connected_at DESC LIMIT 20) c), "
        "(SELECT coalesce(json_agg(a ORDER BY a.opened_at DESC), '[]') FROM (SELECT alert_id, "
        "kind, subject, severity, message, opened_at FROM alerts WHERE tenant_id = $2::uuid AND "
        "site_id = $1::uuid AND resolved_at IS NULL) a), "
        "(SELECT coalesce(json_agg(k ORDER BY k.created_at DESC), '[]') FROM (SELECT key_id, "
        "key_prefix AS prefix, created_at FROM site_keys WHERE tenant_id = $2::uuid AND "
        "site_id = $1::uuid AND revoked_at IS NULL) k)",
        db::Params().text(*id).text((*site)["tenant_id"].get<std::string>()));
    if (!extra) {
        return Reply::from(extra.error());
    }
    auto& out = *site;
    int column = 0;
    for (const char* member : {"runs", "connections", "alerts", "keys"}) {
        auto part = db::parse_exact(extra->text(0, column++), "reading the site");
        if (!part) {
            return Reply::from(part.error());
        }
        out[member] = std::move(*part);
    }
    return Reply::json(std::move(out));
}

Reply list_connections(RequestContext& ctx) {
    auto id = uuid_param(ctx, "site_id");
    auto page = ctx.page();
    if (!id || !page) {
        return Reply::from(!id ? id.error() : page.error());
    }
    if (auto site = load_site(ctx, *id); !site) {
        return Reply::from(site.error());
    }
    auto rows = json_rows(
        ctx.db, "listing connections",
        "SELECT json_build_object('session_id', session_id, 'connected_at', connected_at, "
        "'disconnected_at', disconnected_at, 'address', address, 'agent_version', agent_version, "
        "'host', host, 'relay_instance', relay_instance) FROM site_connections WHERE site_id = "
        "$1::uuid AND ($2 = '' OR session_id < nullif($2, '')::uuid) ORDER BY session_id DESC "
        "LIMIT $3",
        db::Params().text(*id).text(cursor_part(*page, 0)).integer(page->fetch()));
    return page_reply(std::move(rows), *page, {"session_id"});
}

nlohmann::json issued_json(const sites::IssuedKey& key, const nlohmann::json& site) {
    auto out = site;
    out["site_key"] = key.key;  // the only time it is shown
    out["key_id"] = key.key_id;
    out["key_prefix"] = key.display;
    return out;
}

Reply create_site(RequestContext& ctx) {
    auto body = ctx.body();
    if (!body) {
        return Reply::from(body.error());
    }
    if (auto s = only_fields(*body, {"name", "tenant_id"}); !s) {
        return Reply::from(s.error());
    }
    auto name = string_field(*body, "name", true);
    auto tenant = ctx.target_tenant(*body);
    if (!name || !tenant) {
        return Reply::from(!name ? name.error() : tenant.error());
    }
    auto key = sites::create_site(ctx.db, *tenant, **name);
    if (!key) {
        return Reply::from(key.error());
    }
    auto site = load_site(ctx, key->site.site_id);
    if (!site) {
        return Reply::from(site.error());
    }
    if (auto s = ctx.audit("site.create", "site", key->site.site_id, nullptr,
                           {{"name", key->site.name}, {"key_prefix", key->display}}, *tenant);
        !s) {
        return Reply::from(s.error());
    }
    return Reply::created(issued_json(*key, *site));
}

Reply rotate_key(RequestContext& ctx) {
    auto id = uuid_param(ctx, "site_id");
    if (!id) {
        return Reply::from(id.error());
    }
    auto before = load_site(ctx, *id);
    if (!before) {
        return Reply::from(before.error());
    }
    auto key = sites::rotate_site_key(ctx.db, *id);
    if (!key) {
        return Reply::from(key.error());
    }
    if (auto s = ctx.audit("site.rotate_key", "site", *id, {{"keys", "revoked"}},
                           {{"key_prefix", key->display}}, key->site.tenant_id);
        !s) {
        return Reply::from(s.error());
    }
    return Reply::json(issued_json(*key, *before));
}

Reply revoke_site(RequestContext& ctx) {
    auto id = uuid_param(ctx, "site_id");
    if (!id) {
        return Reply::from(id.error());
    }
    auto before = load_site(ctx, *id);
    if (!before) {
        return Reply::from(before.error());
    }
    auto site = sites::revoke_site(ctx.db, *id);
    if (!site) {
        return Reply::from(site.error());
    }
    if (auto s = ctx.audit("site.revoke", "site", *id, {{"revoked", false}}, {{"revoked", true}},
                           site->tenant_id);
        !s) {
        return Reply::from(s.error());
    }
    auto after = load_site(ctx, *id);
    return after ? Reply::json(std::move(*after)) : Reply::from(after.error());
}

}  // namespace

void add_site_routes(RouteTable& t) {
    constexpr Roles kKeyAdmins = kTenantAdmin | kStaffAdmin;
    t.add({"GET", "/api/v1/sites", kAnyone, Access::scoped, list_sites,
           "Sites with live status, by name (filters: state, q)"});
    t.add({"POST", "/api/v1/sites", kKeyAdmins, Access::scoped, create_site,
           "Create a site; the site key is returned once"});
    t.add({"GET", "/api/v1/sites/{site_id}", kAnyone, Access::scoped, get_site,
           "One site: live status, last run per entity, recent connections, alerts, keys"});
    t.add({"GET", "/api/v1/sites/{site_id}/connections", kAnyone, Access::scoped, list_connections,
           "The site's agent connections, newest first"});
    t.add({"POST", "/api/v1/sites/{site_id}/rotate-key", kKeyAdmins, Access::scoped, rotate_key,
           "Revoke the site's keys and issue a new one (returned once)"});
    t.add({"POST", "/api/v1/sites/{site_id}/revoke", kKeyAdmins, Access::scoped, revoke_site,
           "Revoke the site: its agent is disconnected and cannot reconnect"});
}

}  // namespace cs::relay::api::routes

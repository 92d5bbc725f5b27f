#include "relay/sites/sites.hpp"

#include <fmt/format.h>

#include "common/uuid/uuid.hpp"
#include "relay/sites/site_key.hpp"

namespace cs::relay::sites {
namespace {

Status check_name(std::string_view what, std::string_view name) {
    if (name.empty() || name.size() > 200) {
        return make_error(ErrorCode::invalid_argument, "{} name must be 1 to 200 characters", what);
    }
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) {
            return make_error(ErrorCode::invalid_argument,
                              "{} name must not contain control characters", what);
        }
    }
    return ok();
}

Expected<Tenant> find_tenant(db::Connection& conn, std::string_view tenant) {
    bool is_id = Uuid::parse(tenant).has_value();
    auto r = conn.query("looking up the tenant",
                        is_id ? "SELECT tenant_id, name FROM tenants WHERE tenant_id = $1::uuid"
                              : "SELECT tenant_id, name FROM tenants WHERE name = $1",
                        db::Params().text(tenant));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::not_found, "no tenant with {} '{}'", is_id ? "id" : "name",
                          tenant);
    }
    return Tenant{std::string(r->text(0, 0)), std::string(r->text(0, 1))};
}

Expected<Site> find_site(db::Connection& conn, std::string_view site_id, bool for_update) {
    if (!Uuid::parse(site_id)) {
        return make_error(ErrorCode::invalid_argument, "'{}' is not a site id (a UUID)", site_id);
    }
    auto r =
        conn.query("looking up the site",
                   fmt::format("SELECT tenant_id, site_id, name, revoked_at IS NOT NULL FROM sites "
                               "WHERE site_id = $1::uuid{}",
                               for_update ? " FOR UPDATE" : ""),
                   db::Params().text(site_id));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::not_found, "no site with id {}", site_id);
    }
    if (r->boolean(0, 3)) {
        return make_error(ErrorCode::conflict, "site {} is revoked", site_id);
    }
    return Site{std::string(r->text(0, 0)), std::string(r->text(0, 1)), std::string(r->text(0, 2))};
}

// Inserts a new key for the site (inside the caller's transaction).
Expected<IssuedKey> insert_key(db::Connection& conn, const Site& site) {
    auto key = generate_site_key();
    if (!key) {
        return std::move(key).error();
    }
    auto key_id = uuid_v7().to_string();
    auto r = conn.query("storing the site key",
                        "INSERT INTO site_keys (tenant_id, key_id, site_id, key_hash, key_prefix) "
                        "VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5)",
                        db::Params()
                            .text(site.tenant_id)
                            .text(key_id)
                            .text(site.site_id)
                            .bytea(key->hash)
                            .text(key->display));
    if (!r) {
        return std::move(r).error();
    }
    return IssuedKey{site, key_id, std::move(key->key), key->display};
}

Status notify_key_change(db::Connection& conn, const Site& site) {
    auto r = conn.query("announcing the key change", "SELECT pg_notify($1, $2)",
                        db::Params().text(kKeyChangedChannel).text(site.site_id));
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

Status revoke_keys(db::Connection& conn, const Site& site) {
    auto r = conn.query("revoking the site's keys",
                        "UPDATE site_keys SET revoked_at = now() WHERE tenant_id = $1::uuid "
                        "AND site_id = $2::uuid AND revoked_at IS NULL",
                        db::Params().text(site.tenant_id).text(site.site_id));
    if (!r) {
        return std::move(r).error();
    }
    return notify_key_change(conn, site);
}

}  // namespace

Expected<Tenant> create_tenant(db::Connection& conn, std::string_view name) {
    if (auto s = check_name("tenant", name); !s) {
        return std::move(s).error();
    }
    Tenant t{uuid_v7().to_string(), std::string(name)};
    auto r = conn.query("creating the tenant",
                        "INSERT INTO tenants (tenant_id, name) VALUES ($1::uuid, $2) "
                        "ON CONFLICT (name) DO NOTHING",
                        db::Params().text(t.tenant_id).text(t.name));
    if (!r) {
        return std::move(r).error();
    }
    if (r->affected() == 0) {
        return make_error(ErrorCode::conflict, "a tenant named '{}' already exists", name);
    }
    return t;
}

Expected<IssuedKey> create_site(db::Connection& conn, std::string_view tenant,
                                std::string_view name) {
    if (auto s = check_name("site", name); !s) {
        return std::move(s).error();
    }
    auto tx = db::Transaction::begin(conn);
    if (!tx) {
        return std::move(tx).error();
    }
    auto t = find_tenant(conn, tenant);
    if (!t) {
        return std::move(t).error();
    }
    Site site{t->tenant_id, uuid_v7().to_string(), std::string(name)};
    auto r = conn.query("creating the site",
                        "INSERT INTO sites (tenant_id, site_id, name) VALUES ($1::uuid, $2::uuid, "
                        "$3) ON CONFLICT (tenant_id, name) DO NOTHING",
                        db::Params().text(site.tenant_id).text(site.site_id).text(site.name));
    if (!r) {
        return std::move(r).error();
    }
    if (r->affected() == 0) {
        return make_error(ErrorCode::conflict, "tenant '{}' already has a site named '{}'", t->name,
                          name);
    }
    auto key = insert_key(conn, site);
    if (!key) {
        return std::move(key).error();
    }
    if (auto s = tx->commit(); !s) {
        return std::move(s).error();
    }
    return key;
}

Expected<IssuedKey> rotate_site_key(db::Connection& conn, std::string_view site_id) {
    auto tx = db::Transaction::begin(conn);
    if (!tx) {
        return std::move(tx).error();
    }
    auto site = find_site(conn, site_id, true);
    if (!site) {
        return std::move(site).error();
    }
    if (auto s = revoke_keys(conn, *site); !s) {
        return std::move(s).error();
    }
    auto key = insert_key(conn, *site);
    if (!key) {
        return std::move(key).error();
    }
    if (auto s = tx->commit(); !s) {
        return std::move(s).error();
    }
    return key;
}

Expected<Site> revoke_site(db::Connection& conn, std::string_view site_id) {
    auto tx = db::Transaction::begin(conn);
    if (!tx) {
        return std::move(tx).error();
    }
    auto site = find_site(conn, site_id, true);
    if (!site) {
        return std::move(site).error();
    }
    auto r = conn.query("revoking the site",
                        "UPDATE sites SET revoked_at = now() WHERE tenant_id = $1::uuid AND "
                        "site_id = $2::uuid",
                        db::Params().text(site->tenant_id).text(site->site_id));
    if (!r) {
        return std::move(r).error();
    }
    if (auto s = revoke_keys(conn, *site); !s) {
        return std::move(s).error();
    }
    if (auto s = tx->commit(); !s) {
        return std::move(s).error();
    }
    return site;
}

Expected<SiteIdentity> authenticate(db::Connection& conn, std::string_view key) {
    if (!is_well_formed_site_key(key)) {
        return make_error(ErrorCode::unauthorized, "the bearer token is not a site key");
    }
    auto r = conn.query(
        "authenticating the site key",
        "SELECT k.tenant_id, k.site_id, s.name, k.key_id, k.revoked_at IS NOT NULL, "
        "s.revoked_at IS NOT NULL FROM site_keys k JOIN sites s ON s.tenant_id = k.tenant_id "
        "AND s.site_id = k.site_id WHERE k.key_hash = $1",
        db::Params().bytea(hash_site_key(key)));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::unauthorized, "unknown site key");
    }
    if (r->boolean(0, 5)) {
        return make_error(ErrorCode::unauthorized, "the site has been revoked");
    }
    if (r->boolean(0, 4)) {
        return make_error(ErrorCode::unauthorized, "the site key has been revoked or rotated");
    }
    return SiteIdentity{std::string(r->text(0, 0)), std::string(r->text(0, 1)),
                        std::string(r->text(0, 2)), std::string(r->text(0, 3))};
}

Expected<std::vector<std::string>> active_key_ids(db::Connection& conn, std::string_view tenant_id,
                                                  std::string_view site_id) {
    auto r = conn.query(
        "reading the site's keys",
        "SELECT k.key_id FROM site_keys k JOIN sites s ON s.tenant_id = k.tenant_id AND "
        "s.site_id = k.site_id WHERE k.tenant_id = $1::uuid AND k.site_id = $2::uuid AND "
        "k.revoked_at IS NULL AND s.revoked_at IS NULL",
        db::Params().text(tenant_id).text(site_id));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<std::string> ids;
    for (int i = 0; i < r->rows(); ++i) {
        ids.emplace_back(r->text(i, 0));
    }
    return ids;
}

}  // namespace cs::relay::sites

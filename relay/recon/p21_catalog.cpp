#include "relay/recon/p21_catalog.hpp"

#include <fmt/format.h>

#include "relay/recon/atomic.hpp"
#include "relay/recon/sql_util.hpp"

namespace cs::relay::recon {
namespace {

// One catalog table: which entity feeds it and how a record becomes a row.
struct CatalogTable {
    std::string_view entity;
    std::string_view table;
    std::string_view key;      // the bk_hash column
    std::string_view columns;  // after tenant_id, site_id, key
    std::string_view select;   // the same, from records r
};

constexpr std::string_view kActive =
    "(coalesce(r.data->>'active', 'true') <> 'false' AND "
    "coalesce(upper(r.data->>'delete_flag'), 'N') <> 'Y')";

// Items come last: their unit_sizes summarise the units read before them.
const CatalogTable kTables[] = {
    {"supplier", "recon_p21_suppliers", "supplier_bk",
     "supplier_id, name_key, supplier_name, active",
     "r.data->>'supplier_id', upper(btrim(r.data->>'supplier_name')), "
     "nullif(btrim(r.data->>'supplier_name'), ''), {active} AND NOT r.deleted"},
    {"item_uom", "recon_p21_units", "unit_bk", "item_bk, unit, unit_size, active",
     "r.parent_bk_hash, upper(btrim(r.data->>'unit_of_measure')), "
     "CASE WHEN jsonb_typeof(r.data->'unit_size') = 'number' "
     "AND (r.data->'unit_size')::numeric > 0 THEN (r.data->'unit_size')::numeric END, "
     "{active} AND NOT r.deleted"},
    {"inventory_supplier", "recon_p21_costs", "cost_bk",
     "item_bk, supplier_id, part_no, part_upper, part_norm, cost, division_id, active",
     "r.parent_bk_hash, r.data->>'supplier_id', r.data->>'supplier_part_no', "
     "upper(btrim(r.data->>'supplier_part_no')), cs_norm_part(r.data->>'supplier_part_no'), "
     "CASE WHEN jsonb_typeof(r.data->'cost') = 'number' THEN (r.data->'cost')::numeric END, "
     "r.data->>'division_id', {active} AND NOT r.deleted"},
    {"inv_mast", "recon_p21_items", "item_bk",
     "item_id, item_norm, item_desc, purchasing_unit, active, deleted",
     "r.data->>'item_id', cs_norm_part(r.data->>'item_id'), r.data->>'item_desc', "
     "nullif(upper(btrim(r.data->>'default_purchasing_unit')), ''), {active}, r.deleted"},
};

// The unit sizes of the tenant's items, per item: {"EA": 1, "CS": 12}.
constexpr std::string_view kUnitSizes = R"sql(
    SELECT site_id, item_bk, jsonb_object_agg(unit, size) AS sizes
    FROM (SELECT site_id, item_bk, unit, max(unit_size) AS size FROM recon_p21_units
          WHERE tenant_id = $1::uuid AND active AND unit_size IS NOT NULL AND item_bk IS NOT NULL
                AND unit IS NOT NULL {}
          GROUP BY site_id, item_bk, unit) s
    GROUP BY site_id, item_bk)sql";

// Re-reads this much change_log before the previous refresh: parked children
// released by the periodic retry carry their old sequence, so only time finds them.
constexpr int kOverlapSeconds = 300;

std::string select_list(const CatalogTable& t) {
    return fmt::format(fmt::runtime(std::string(t.select)), fmt::arg("active", kActive));
}

std::string update_set(const CatalogTable& t) {
    std::string out;
    std::string_view cols = t.columns;
    while (!cols.empty()) {
        auto comma = cols.find(',');
        auto col = cols.substr(0, comma);
        while (!col.empty() && col.front() == ' ') {
            col.remove_prefix(1);
        }
        out += out.empty() ? "" : ", ";
        out += fmt::format("{0} = EXCLUDED.{0}", col);
        cols = comma == std::string_view::npos ? std::string_view() : cols.substr(comma + 1);
    }
    return out;
}

Status exec(db::Connection& conn, std::string_view what, const std::string& sql,
            std::string_view tenant) {
    auto r = conn.query(what, sql, db::Params().text(tenant));
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

// cs_recon_sizes: kUnitSizes (with `filter`) as a temporary table, unique per
// item and analyzed, so joining it is a lookup per item whatever the planner
// believes about the tenant's units (their statistics may predate the tenant,
// or the units were written by this transaction: a rebuild). The aggregate
// joined directly was re-run for every item on such a "one row" estimate.
Status build_sizes(db::Connection& conn, std::string_view tenant, std::string_view filter) {
    auto r = conn.query("summarising unit sizes",
                        "CREATE TEMP TABLE cs_recon_sizes ON COMMIT DROP AS " +
                            fmt::format(fmt::runtime(std::string(kUnitSizes)), filter),
                        db::Params().text(tenant));
    if (!r) {
        return std::move(r).error();
    }
    auto indexed = conn.exec("summarising unit sizes",
                             "CREATE UNIQUE INDEX ON cs_recon_sizes (site_id, item_bk); "
                             "ANALYZE cs_recon_sizes");
    if (!indexed) {
        return std::move(indexed).error();
    }
    return ok();
}

Status drop_sizes(db::Connection& conn) {
    if (auto r = conn.exec("summarising unit sizes", "DROP TABLE pg_temp.cs_recon_sizes"); !r) {
        return std::move(r).error();
    }
    return ok();
}

Expected<std::int64_t> rebuild(db::Connection& conn, std::string_view tenant) {
    std::int64_t written = 0;
    for (const CatalogTable& t : kTables) {
        if (auto s =
                exec(conn, "clearing the P21 catalog",
                     fmt::format("DELETE FROM {} WHERE tenant_id = $1::uuid", t.table), tenant);
            !s) {
            return std::move(s).error();
        }
        bool items = t.table == "recon_p21_items";
        if (items) {
            if (auto st = build_sizes(conn, tenant, ""); !st) {
                return std::move(st).error();
            }
        }
        auto r = conn.query(
            "rebuilding the P21 catalog",
            fmt::format("INSERT INTO {} (tenant_id, site_id, {}, {}{}) SELECT r.tenant_id, "
                        "r.site_id, r.bk_hash, {}{} FROM sites s JOIN records r ON r.tenant_id = "
                        "s.tenant_id AND r.site_id = s.site_id AND r.entity = '{}' {} WHERE "
                        "s.tenant_id = $1::uuid",
                        t.table, t.key, t.columns, items ? ", unit_sizes" : "", select_list(t),
                        items ? ", coalesce(u.sizes, '{}')" : "", t.entity,
                        items ? "LEFT JOIN cs_recon_sizes u ON u.site_id = r.site_id AND "
                                "u.item_bk = r.bk_hash"
                              : ""),
            db::Params().text(tenant));
        if (!r) {
            return std::move(r).error();
        }
        written += r->affected();
        if (items) {
            if (auto st = drop_sizes(conn); !st) {
                return std::move(st).error();
            }
        }
    }
    return written;
}

Expected<std::int64_t> catch_up(db::Connection& conn, std::string_view tenant,
                                const std::string& since) {
    auto changed = conn.query("finding changed P21 records", R"sql(
        CREATE TEMP TABLE cs_recon_changed ON COMMIT DROP AS
        SELECT DISTINCT c.site_id, c.entity, c.bk_hash
        FROM change_log c
        WHERE c.changed_at >= $2::timestamptz AND c.tenant_id = $1::uuid
          AND c.entity IN ('supplier', 'inv_mast', 'item_uom', 'inventory_supplier'))sql",
                              db::Params().text(tenant).text(since));
    if (!changed) {
        return std::move(changed).error();
    }
    std::int64_t n = changed->affected();
    // Indexed and analyzed, so that whichever side the planner starts from,
    // each record is found by a lookup (see build_sizes).
    if (auto r = conn.exec("finding changed P21 records",
                           "CREATE INDEX ON cs_recon_changed (site_id, entity, bk_hash); "
                           "ANALYZE cs_recon_changed");
        !r) {
        return std::move(r).error();
    }
    for (const CatalogTable& t : kTables) {
        if (n == 0) {
            break;
        }
        auto r = conn.query(
            "updating the P21 catalog",
            fmt::format("INSERT INTO {0} AS p (tenant_id, site_id, {1}, {2}) SELECT r.tenant_id, "
                        "r.site_id, r.bk_hash, {3} FROM cs_recon_changed ch JOIN records r ON "
                        "r.tenant_id = $1::uuid AND r.site_id = ch.site_id AND r.entity = "
                        "ch.entity AND r.bk_hash = ch.bk_hash WHERE ch.entity = '{4}' ON CONFLICT "
                        "(tenant_id, site_id, {1}) DO UPDATE SET {5}",
                        t.table, t.key, t.columns, select_list(t), t.entity, update_set(t)),
            db::Params().text(tenant));
        if (!r) {
            return std::move(r).error();
        }
    }
    if (n > 0) {
        // Items whose units changed, or that are new: their unit sizes again.
        auto affected = conn.query("summarising unit sizes", R"sql(
            CREATE TEMP TABLE cs_recon_affected ON COMMIT DROP AS
            SELECT site_id, bk_hash AS item_bk FROM cs_recon_changed WHERE entity = 'inv_mast'
            UNION
            SELECT u.site_id, u.item_bk FROM cs_recon_changed ch
            JOIN recon_p21_units u ON u.tenant_id = $1::uuid AND u.site_id = ch.site_id
                                  AND u.unit_bk = ch.bk_hash
            WHERE ch.entity = 'item_uom' AND u.item_bk IS NOT NULL)sql",
                                   db::Params().text(tenant));
        if (!affected) {
            return std::move(affected).error();
        }
        if (auto r = conn.exec("summarising unit sizes",
                               "CREATE UNIQUE INDEX ON cs_recon_affected (site_id, item_bk); "
                               "ANALYZE cs_recon_affected");
            !r) {
            return std::move(r).error();
        }
        if (auto st = build_sizes(conn, tenant,
                                  "AND (site_id, item_bk) IN (SELECT site_id, item_bk FROM "
                                  "cs_recon_affected)");
            !st) {
            return std::move(st).error();
        }
        auto sizes = conn.query("summarising unit sizes", R"sql(
            UPDATE recon_p21_items p SET unit_sizes = coalesce(s.sizes, '{}')
            FROM cs_recon_affected a
            LEFT JOIN cs_recon_sizes s ON s.site_id = a.site_id AND s.item_bk = a.item_bk
            WHERE p.tenant_id = $1::uuid AND p.site_id = a.site_id AND p.item_bk = a.item_bk
              AND p.unit_sizes IS DISTINCT FROM coalesce(s.sizes, '{}'))sql",
                                db::Params().text(tenant));
        if (!sizes) {
            return std::move(sizes).error();
        }
        if (auto st = drop_sizes(conn); !st) {
            return std::move(st).error();
        }
        if (auto r = conn.exec("summarising unit sizes", "DROP TABLE pg_temp.cs_recon_affected");
            !r) {
            return std::move(r).error();
        }
    }
    if (auto r = conn.exec("finding changed P21 records", "DROP TABLE pg_temp.cs_recon_changed");
        !r) {
        return std::move(r).error();
    }
    return n;
}

Expected<CatalogRefresh> refresh(db::Connection& conn, std::string_view tenant_id,
                                 bool force_full) {
    // Where each stream stands, read before any record so that anything
    // committed later is past the marks and read again next time.
    auto plan = conn.query("planning the P21 catalog refresh", R"sql(
        WITH k AS (
            SELECT s.stream_id, coalesce(m.sequence, 0) AS done, s.last_sequence AS upto,
                   s.pruned_through,
                   (SELECT a.applied_at FROM applied_change_sets a
                    WHERE a.tenant_id = s.tenant_id AND a.stream_id = s.stream_id
                      AND a.sequence > coalesce(m.sequence, 0)
                    ORDER BY a.sequence LIMIT 1) AS from_at
            FROM streams s
            LEFT JOIN recon_p21_marks m ON m.tenant_id = s.tenant_id AND m.stream_id = s.stream_id
            WHERE s.tenant_id = $1::uuid)
        SELECT NOT EXISTS (SELECT 1 FROM recon_p21_marks WHERE tenant_id = $1::uuid)
                   OR EXISTS (SELECT 1 FROM k WHERE upto > done
                              AND (done < pruned_through OR from_at IS NULL)),
               (SELECT count(*) FROM k WHERE upto > done),
               least((SELECT min(from_at) FROM k WHERE upto > done),
                     (SELECT refreshed_at FROM recon_p21_refreshes WHERE tenant_id = $1::uuid)
                         - $2::int * interval '1 second')::text,
               now()::text,
               coalesce((SELECT json_agg(json_build_array(stream_id, upto)) FROM k
                         WHERE upto > done), '[]')::text)sql",
                           db::Params().text(tenant_id).integer(kOverlapSeconds));
    if (!plan) {
        return std::move(plan).error();
    }
    CatalogRefresh out;
    out.full = force_full || plan->boolean(0, 0);
    out.streams = plan->integer(0, 1);
    std::string since = plan->is_null(0, 2) ? "" : sql::text(*plan, 0, 2);
    std::string snapshot = sql::text(*plan, 0, 3);
    std::string marks = sql::text(*plan, 0, 4);
    if (out.full) {
        auto written = rebuild(conn, tenant_id);
        if (!written) {
            return std::move(written).error();
        }
        out.changed = *written;
        marks = "";  // every stream, below
    } else if (!since.empty()) {
        auto changed = catch_up(conn, tenant_id, since);
        if (!changed) {
            return std::move(changed).error();
        }
        out.changed = *changed;
    }
    auto stored = conn.query("storing the P21 catalog marks", R"sql(
        WITH upto AS (
            SELECT s.stream_id, s.last_sequence AS sequence FROM streams s
            WHERE s.tenant_id = $1::uuid AND $2 = ''
            UNION ALL
            SELECT (e->>0)::uuid, (e->>1)::bigint FROM json_array_elements(nullif($2, '')::json) e),
        marked AS (
            INSERT INTO recon_p21_marks AS m (tenant_id, stream_id, sequence)
            SELECT $1::uuid, stream_id, sequence FROM upto
            ON CONFLICT (tenant_id, stream_id) DO UPDATE
                SET sequence = greatest(m.sequence, EXCLUDED.sequence)
            RETURNING 1)  -- runs whether or not it is read
        INSERT INTO recon_p21_refreshes AS s (tenant_id, refreshed_at)
        VALUES ($1::uuid, $3::timestamptz)
        ON CONFLICT (tenant_id) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at)sql",
                             db::Params().text(tenant_id).text(marks).text(snapshot));
    if (!stored) {
        return std::move(stored).error();
    }
    return out;
}

}  // namespace

Expected<CatalogRefresh> refresh_p21_catalog(db::Connection& conn, std::string_view tenant_id,
                                             bool force_full) {
    // One unit of work even when called on its own: the temporary tables of
    // a refresh live until its commit.
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    auto out = refresh(conn, tenant_id, force_full);
    if (!out) {
        return out;
    }
    if (auto s = unit->commit(); !s) {
        return std::move(s).error();
    }
    return out;
}

}  // namespace cs::relay::recon

#include "relay/recon/p21_search.hpp"

#include "relay/recon/sql_util.hpp"

namespace cs::relay::recon {
namespace {

using json = nlohmann::json;

Status check_search(std::string_view query, int limit) {
    if (query.empty() || query.size() > kMaxSearchBytes || query.find('\0') != query.npos) {
        return make_error(ErrorCode::invalid_argument,
                          "search text: 1-{} bytes required, without NUL characters",
                          kMaxSearchBytes);
    }
    if (limit < 1 || limit > kMaxSearchResults) {
        return make_error(ErrorCode::invalid_argument,
                          "limit: a whole number from 1 to {} (got {})", kMaxSearchResults, limit);
    }
    return ok();
}

}  // namespace

Expected<std::vector<P21Item>> find_p21_items(db::Connection& conn, std::string_view tenant_id,
                                              std::string_view query, int limit,
                                              std::string_view supplier_id) {
    if (auto s = check_search(query, limit); !s) {
        return std::move(s).error();
    }
    // Each way of matching is bounded by the limit on its own, so no search
    // reads more than 3 x limit rows whatever the catalog's size.
    auto r = conn.query("searching P21 items", R"sql(
        WITH hits AS (
            (SELECT i.site_id, i.item_bk, 3.0 AS score, ''::text AS supplier_id,
                    ''::text AS part_no, 'item_id' AS match
             FROM recon_p21_items i
             WHERE i.tenant_id = $1::uuid AND i.item_norm = cs_norm_part($2)
               AND cs_norm_part($2) <> ''
             LIMIT $3::int)
            UNION ALL
            (SELECT c.site_id, c.item_bk, 2.0, coalesce(c.supplier_id, ''),
                    coalesce(c.part_no, ''), 'supplier_part'
             FROM recon_p21_costs c
             WHERE c.tenant_id = $1::uuid AND c.part_norm = cs_norm_part($2)
               AND cs_norm_part($2) <> '' AND c.item_bk IS NOT NULL
               AND ($4 = '' OR c.supplier_id = $4)
             ORDER BY c.active DESC, c.supplier_id
             LIMIT $3::int)
            UNION ALL
            (SELECT i.site_id, i.item_bk, similarity(i.item_desc, $2)::numeric, '', '',
                    'description'
             FROM recon_p21_items i
             WHERE i.tenant_id = $1::uuid AND i.item_desc % $2
             ORDER BY similarity(i.item_desc, $2) DESC LIMIT $3::int)
        ), best AS (
            SELECT DISTINCT ON (site_id, item_bk) * FROM hits
            ORDER BY site_id, item_bk, score DESC)
        SELECT b.site_id, i.item_id, coalesce(i.item_desc, ''), i.active AND NOT i.deleted,
               b.supplier_id, b.part_no, b.match
        FROM best b
        JOIN recon_p21_items i ON i.tenant_id = $1::uuid AND i.site_id = b.site_id
                              AND i.item_bk = b.item_bk
        ORDER BY b.score DESC, i.item_id LIMIT $3::int)sql",
                        db::Params().text(tenant_id).text(query).integer(limit).text(supplier_id));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<P21Item> out;
    for (int i = 0; i < r->rows(); ++i) {
        out.push_back(P21Item{sql::text(*r, i, 0), sql::text(*r, i, 1), sql::text(*r, i, 2),
                              r->boolean(i, 3), sql::text(*r, i, 4), sql::text(*r, i, 5),
                              sql::text(*r, i, 6)});
    }
    return out;
}

Expected<std::vector<P21Supplier>> find_p21_suppliers(db::Connection& conn,
                                                      std::string_view tenant_id,
                                                      std::string_view query, int limit) {
    if (auto s = check_search(query, limit); !s) {
        return std::move(s).error();
    }
    // name_key is the upper-cased name; LIKE and % use its trigram index. The
    // text is escaped so that % and _ in it are literal.
    auto r = conn.query("searching P21 suppliers", R"sql(
        WITH q AS (
            SELECT btrim($2) AS id, upper(btrim($2)) AS name,
                   '%' || replace(replace(replace(upper(btrim($2)), '\', '\\'), '%', '\%'),
                                  '_', '\_') || '%' AS pattern
        ), hits AS (
            (SELECT s.supplier_id, s.supplier_name, s.active, 3.0 AS score, 'supplier_id' AS match
             FROM recon_p21_suppliers s, q
             WHERE s.tenant_id = $1::uuid AND s.supplier_id = q.id LIMIT $3::int)
            UNION ALL
            (SELECT s.supplier_id, s.supplier_name, s.active,
                    1.0 + similarity(s.name_key, q.name)::numeric, 'name'
             FROM recon_p21_suppliers s, q
             WHERE s.tenant_id = $1::uuid AND s.name_key LIKE q.pattern
             ORDER BY similarity(s.name_key, q.name) DESC LIMIT $3::int)
            UNION ALL
            (SELECT s.supplier_id, s.supplier_name, s.active,
                    similarity(s.name_key, q.name)::numeric, 'name'
             FROM recon_p21_suppliers s, q
             WHERE s.tenant_id = $1::uuid AND s.name_key % q.name
             ORDER BY similarity(s.name_key, q.name) DESC LIMIT $3::int)
        ), best AS (
            SELECT DISTINCT ON (supplier_id) * FROM hits WHERE supplier_id IS NOT NULL
            ORDER BY supplier_id, score DESC, active DESC)
        SELECT supplier_id, coalesce(supplier_name, ''), active, match FROM best
        ORDER BY score DESC, supplier_id LIMIT $3::int)sql",
                        db::Params().text(tenant_id).text(query).integer(limit));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<P21Supplier> out;
    for (int i = 0; i < r->rows(); ++i) {
        out.push_back(P21Supplier{sql::text(*r, i, 0), sql::text(*r, i, 1), r->boolean(i, 2),
                                  sql::text(*r, i, 3)});
    }
    return out;
}

json to_json(const P21Item& item) {
    auto nullable = [](const std::string& s) { return s.empty() ? json() : json(s); };
    return {{"site_id", item.site_id},
            {"item_id", item.item_id},
            {"item_desc", item.item_desc},
            {"active", item.active},
            {"supplier_id", nullable(item.supplier_id)},
            {"supplier_part_no", nullable(item.supplier_part_no)},
            {"match", item.match}};
}

json to_json(const P21Supplier& s) {
    return {{"supplier_id", s.supplier_id},
            {"supplier_name", s.supplier_name.empty() ? json() : json(s.supplier_name)},
            {"active", s.active},
            {"match", s.match}};
}

}  // namespace cs::relay::recon

#pragma once

#include <string_view>

// The statements of a reconciliation run that find what is wrong, in order
// (docs/reconciliation.md): contract lines, vendors, items, P21 facts, rule
// hits. relay/recon/merge_sql.hpp merges the hits into recon_exceptions.
// Each builds one temporary table from the previous ones; all are set-based.
// Each statement's parameters are named at it ($1 is always the tenant id).
namespace cs::relay::recon::run_sql {

// cs_recon_lines: every contract line of the tenant, uploads and synced
// contract_lines records merged by (vendor, contract, vendor item, UOM), the
// more recently changed source winning (a synced line on a tie). One sort of
// both sources, no join between them: their sizes may be anything. `valid`
// lines have a vendor, an item and a non-negative price. `source_name` is the
// uploaded file's name (`uploaded`) or the syncing site's, `changed_at` when
// the file was uploaded or the record last changed: what a reopened
// exception's note names.
inline constexpr std::string_view kLines = R"sql(
CREATE TEMP TABLE cs_recon_lines ON COMMIT DROP AS
WITH synced AS (
    SELECT upper(btrim(r.data->>'vendor_id')) AS vendor_id,
           upper(btrim(coalesce(r.data->>'contract_no', ''))) AS contract_no,
           btrim(r.data->>'item_id') AS vendor_item,
           CASE upper(btrim(r.data->>'uom'))
               WHEN 'EACH' THEN 'EA' WHEN 'CASE' THEN 'CS' WHEN 'BOX' THEN 'BX'
               WHEN 'PACK' THEN 'PK' WHEN 'DOZEN' THEN 'DZ' WHEN '' THEN 'EA'
               ELSE coalesce(upper(btrim(r.data->>'uom')), 'EA') END AS vendor_uom,
           r.data->>'description' AS description,
           CASE WHEN jsonb_typeof(r.data->'unit_size') = 'number'
                 AND (r.data->'unit_size')::numeric > 0
                THEN (r.data->'unit_size')::numeric END AS unit_size,
           CASE WHEN jsonb_typeof(r.data->'price') = 'number'
                THEN (r.data->'price')::numeric END AS price,
           nullif(upper(btrim(r.data->>'currency')), '') AS currency,
           CASE WHEN r.data->>'effective_start' ~ '^\d{4}-\d{2}-\d{2}'
                THEN left(r.data->>'effective_start', 10)::date END AS effective_start,
           CASE WHEN r.data->>'effective_end' ~ '^\d{4}-\d{2}-\d{2}'
                THEN left(r.data->>'effective_end', 10)::date END AS effective_end,
           r.last_changed_at AS changed_at, s.name AS source_name
    FROM sites s
    JOIN records r ON r.tenant_id = s.tenant_id AND r.site_id = s.site_id
                  AND r.entity = 'contract_lines'
    WHERE s.tenant_id = $1::uuid AND NOT r.deleted
), both_sources AS (
    SELECT s.*, concat_ws(E'\x1f', vendor_id, contract_no, vendor_item, vendor_uom) AS line_key,
           upper(vendor_item) AS item_upper, 0 AS source_rank
    FROM synced s
    UNION ALL
    SELECT l.vendor_id, l.contract_no, l.vendor_item, l.vendor_uom, l.description, l.unit_size,
           l.price, l.currency, l.effective_start, l.effective_end, f.uploaded_at, f.name,
           l.line_key, l.item_upper, 1
    FROM recon_contract_lines l
    JOIN recon_vendor_files f ON f.tenant_id = l.tenant_id AND f.file_id = l.file_id
    WHERE l.tenant_id = $1::uuid
), newest AS (
    SELECT DISTINCT ON (vendor_id, contract_no, vendor_item, vendor_uom) *
    FROM both_sources
    ORDER BY vendor_id, contract_no, vendor_item, vendor_uom, changed_at DESC, source_rank
)
SELECT vendor_id, contract_no, vendor_item, vendor_uom, description, unit_size, price, currency,
       effective_start, effective_end, changed_at, line_key, item_upper, source_name,
       source_rank = 1 AS uploaded,
       (coalesce(vendor_id, '') <> '' AND coalesce(vendor_item, '') <> ''
        AND price IS NOT NULL AND price >= 0) AS valid
FROM newest)sql";

// A limited run (a fix re-evaluating what it concerns) keeps only the lines
// of its scope: $1 (the one statement without the tenant, which its
// temporary table holds alone), a JSON array of {vendor_id, vendor_item,
// vendor_uom}, '' standing for any item or UOM of the vendor.
inline constexpr std::string_view kScopeLines = R"sql(
DELETE FROM cs_recon_lines l
WHERE NOT EXISTS (
    SELECT 1 FROM jsonb_to_recordset($1::jsonb) s(vendor_id text, vendor_item text,
                                                 vendor_uom text)
    WHERE s.vendor_id = l.vendor_id
      AND (s.vendor_item = '' OR s.vendor_item = l.vendor_item)
      AND (s.vendor_uom = '' OR s.vendor_uom = l.vendor_uom)))sql";

// cs_recon_vendors: each vendor's P21 supplier id: a vendor link, a supplier
// whose id is the vendor code, one whose name is, or else the code itself.
inline constexpr std::string_view kVendors = R"sql(
CREATE TEMP TABLE cs_recon_vendors ON COMMIT DROP AS
WITH vendors AS (
    SELECT DISTINCT vendor_id FROM cs_recon_lines WHERE valid
)
SELECT v.vendor_id,
       coalesce(m.supplier_id, by_id.supplier_id, by_name.supplier_id, v.vendor_id) AS supplier_id,
       (m.supplier_id IS NOT NULL OR by_id.supplier_id IS NOT NULL
        OR by_name.supplier_id IS NOT NULL) AS supplier_known
FROM vendors v
LEFT JOIN recon_vendors m ON m.tenant_id = $1::uuid AND m.vendor_id = v.vendor_id
LEFT JOIN LATERAL (SELECT supplier_id FROM recon_p21_suppliers
                   WHERE tenant_id = $1::uuid AND supplier_id = v.vendor_id LIMIT 1) by_id ON true
LEFT JOIN LATERAL (SELECT supplier_id FROM recon_p21_suppliers
                   WHERE tenant_id = $1::uuid AND name_key = v.vendor_id
                   ORDER BY supplier_id LIMIT 1) by_name ON true)sql";

// cs_recon_work: each valid line's P21 item: its approved mapping, else (with
// $2 = auto_approve_exact) the one item whose active inventory_supplier row for
// the supplier has exactly this part number (case and surrounding spaces
// aside), unless a person rejected that pairing. The matched rows also give the
// supplier's cost (the lowest of the rows without a division, else the lowest
// of all), so the big catalog table is read once. Parameters: $1 tenant, $2 boolean.
inline constexpr std::string_view kWork = R"sql(
CREATE TEMP TABLE cs_recon_work ON COMMIT DROP AS
WITH exact_items AS (
    SELECT l.line_key, c.site_id, c.item_bk,
           coalesce(min(c.cost) FILTER (WHERE c.division_id IS NULL), min(c.cost)) AS cost,
           count(*) AS cost_rows
    FROM cs_recon_lines l
    JOIN recon_p21_costs c ON c.part_upper = l.item_upper
    JOIN cs_recon_vendors v ON v.vendor_id = l.vendor_id AND v.supplier_id = c.supplier_id
    WHERE c.tenant_id = $1::uuid AND c.active AND c.item_bk IS NOT NULL
      AND l.valid AND $2::boolean
    GROUP BY l.line_key, c.site_id, c.item_bk
), exact AS (
    SELECT line_key, count(*) AS matches, (array_agg(site_id))[1] AS site_id,
           (array_agg(item_bk))[1] AS item_bk, (array_agg(cost))[1] AS cost,
           (array_agg(cost_rows))[1] AS cost_rows
    FROM exact_items GROUP BY line_key
), candidates AS (
    SELECT l.line_key, l.vendor_uom, v.supplier_id, v.supplier_known, m.mapping_id,
           m.p21_site_id, m.p21_item_bk, m.p21_uom AS mapped_uom, x.matches,
           x.site_id AS exact_site, x.item_bk AS exact_item, x.cost AS exact_cost,
           x.cost_rows AS exact_cost_rows,
           x.matches = 1 AND rj.mapping_id IS NULL AS usable
    FROM cs_recon_lines l
    JOIN cs_recon_vendors v ON v.vendor_id = l.vendor_id
    LEFT JOIN recon_mappings m
           ON m.tenant_id = $1::uuid AND m.status = 'approved' AND m.vendor_id = l.vendor_id
          AND m.vendor_item = l.vendor_item AND m.vendor_uom = l.vendor_uom
    LEFT JOIN exact x ON x.line_key = l.line_key AND m.mapping_id IS NULL
    LEFT JOIN recon_mappings rj
           ON rj.tenant_id = $1::uuid AND rj.status = 'rejected' AND rj.vendor_id = l.vendor_id
          AND rj.vendor_item = l.vendor_item AND rj.vendor_uom = l.vendor_uom
          AND rj.p21_site_id = x.site_id AND rj.p21_item_bk = x.item_bk
    WHERE l.valid
)
SELECT c.line_key, c.supplier_id, c.supplier_known, c.mapping_id,
       coalesce(c.p21_site_id, CASE WHEN c.usable THEN c.exact_site END) AS item_site,
       coalesce(c.p21_item_bk, CASE WHEN c.usable THEN c.exact_item END) AS item_bk,
       coalesce(c.mapped_uom, c.vendor_uom) AS p21_uom,
       CASE WHEN c.mapping_id IS NOT NULL THEN 'approved_mapping'
            WHEN c.usable THEN 'supplier_part_exact' END AS mapped_by,
       coalesce(c.matches, 0) AS exact_matches,
       CASE WHEN c.usable THEN c.exact_cost END AS cost,
       CASE WHEN c.usable THEN c.exact_cost_rows END AS cost_rows
FROM candidates c)sql";

// cs_recon_facts: what P21 says about each mapped line's item: found, active,
// the contract unit's and the cost unit's sizes (default_purchasing_unit, EA
// when the item names none), and for lines mapped by hand the supplier's cost
// (as above).
inline constexpr std::string_view kFacts = R"sql(
CREATE TEMP TABLE cs_recon_facts ON COMMIT DROP AS
WITH mapped_costs AS (
    SELECT w.line_key,
           coalesce(min(c.cost) FILTER (WHERE c.division_id IS NULL), min(c.cost)) AS cost,
           count(*) AS cost_rows
    FROM cs_recon_work w
    JOIN recon_p21_costs c ON c.tenant_id = $1::uuid AND c.site_id = w.item_site
                          AND c.item_bk = w.item_bk AND c.supplier_id = w.supplier_id
                          AND c.active
    WHERE w.mapping_id IS NOT NULL
    GROUP BY w.line_key
)
SELECT w.line_key,
       p.item_bk IS NOT NULL AS item_found,
       p.item_id AS p21_item_id,
       CASE WHEN p.item_bk IS NULL THEN 'missing'
            WHEN p.deleted THEN 'deleted'
            WHEN NOT p.active THEN 'inactive' END AS inactive_reason,
       coalesce(p.purchasing_unit, 'EA') AS cost_uom,
       p.purchasing_unit IS NULL AS cost_uom_assumed,
       (p.unit_sizes->>w.p21_uom)::numeric AS contract_size,
       (p.unit_sizes->>coalesce(p.purchasing_unit, 'EA'))::numeric AS cost_size,
       coalesce(w.cost, mc.cost) AS cost,
       coalesce(w.cost_rows, mc.cost_rows, 0) AS cost_rows
FROM cs_recon_work w
LEFT JOIN recon_p21_items p ON p.tenant_id = $1::uuid AND p.site_id = w.item_site
                           AND p.item_bk = w.item_bk
LEFT JOIN mapped_costs mc ON mc.line_key = w.line_key
WHERE w.item_bk IS NOT NULL)sql";

// cs_recon_hits: one row per rule that holds for a line, with its severity,
// numbers, fingerprint, message and suggested action. Parameters: $1 tenant,
// $2 as-of date, $3 abs_tolerance, $4 pct_tolerance, $5 tolerance_mode,
// $6 high_severity_pct, $7 currency. Decimals in details are strings, so they
// stay exact through JSON. All comparisons are exact numerics:
//   x = price * s_p - cost * s_c   (the difference in P21 cost units, times s_c)
//   within abs  <=>  |x| <= abs_tolerance * s_c
//   within pct  <=>  100 * |x| <= pct_tolerance * |cost| * s_c
inline constexpr std::string_view kHits = R"sql(
CREATE TEMP TABLE cs_recon_hits ON COMMIT DROP AS
WITH f AS MATERIALIZED (
    SELECT l.*, w.supplier_id, w.supplier_known, w.item_site, w.item_bk, w.p21_uom, w.mapped_by,
           w.exact_matches, p.item_found, p.p21_item_id, p.inactive_reason, p.cost_uom,
           p.cost_uom_assumed, p.contract_size, p.cost_size, p.cost,
           l.effective_end IS NOT NULL AND l.effective_end < $2::date AS expired,
           l.effective_start IS NOT NULL AND l.effective_start > $2::date AS future,
           coalesce(p.item_found AND p.inactive_reason IS NULL, false) AS item_active,
           CASE
               WHEN NOT coalesce(p.item_found AND p.inactive_reason IS NULL, false) THEN NULL
               WHEN w.p21_uom = p.cost_uom AND l.unit_size IS NOT NULL
                    AND p.contract_size IS NOT NULL AND l.unit_size <> p.contract_size
                    THEN 'unit_size_differs'
               WHEN w.p21_uom = p.cost_uom THEN NULL
               WHEN p.contract_size IS NULL THEN 'unit_not_in_p21'
               WHEN l.unit_size IS NOT NULL AND l.unit_size <> p.contract_size
                    THEN 'unit_size_differs'
               WHEN p.cost_size IS NULL AND NOT p.cost_uom_assumed THEN 'cost_unit_not_in_p21'
           END AS uom_problem,
           CASE WHEN w.p21_uom = p.cost_uom THEN 1 ELSE p.contract_size END AS s_c,
           CASE WHEN w.p21_uom = p.cost_uom THEN 1 ELSE coalesce(p.cost_size, 1) END AS s_p
    FROM cs_recon_lines l
    JOIN cs_recon_work w ON w.line_key = l.line_key
    LEFT JOIN cs_recon_facts p ON p.line_key = l.line_key
    WHERE l.valid
), p AS (
    SELECT f.*,
           f.price * f.s_p - f.cost * f.s_c AS x,
           CASE WHEN f.currency IS NOT NULL AND f.currency <> $7::text THEN 'currency'
                WHEN f.cost IS NULL THEN 'no_p21_cost' END AS price_problem
    FROM f
    WHERE NOT f.expired AND NOT f.future AND f.item_active AND f.uom_problem IS NULL
), priced AS (
    SELECT p.*,
           CASE WHEN p.price_problem IS NOT NULL THEN false
                WHEN $3::numeric IS NULL AND $4::numeric IS NULL THEN p.x = 0
                WHEN $5::text = 'any' THEN
                    ($3::numeric IS NOT NULL AND abs(p.x) <= $3::numeric * p.s_c)
                    OR ($4::numeric IS NOT NULL AND 100 * abs(p.x) <= $4::numeric * abs(p.cost) * p.s_c)
                ELSE
                    ($3::numeric IS NULL OR abs(p.x) <= $3::numeric * p.s_c)
                    AND ($4::numeric IS NULL OR 100 * abs(p.x) <= $4::numeric * abs(p.cost) * p.s_c)
           END AS within
    FROM p
), q AS (
    -- The figures shown, for the mismatches only.
    SELECT priced.*,
           trim_scale(round(priced.price * priced.s_p / priced.s_c, 6)) AS price_in_cost_unit,
           trim_scale(round(priced.x / priced.s_c, 6)) AS difference,
           CASE WHEN priced.cost <> 0
                THEN trim_scale(round(100 * priced.x / (priced.cost * priced.s_c), 4)) END
               AS difference_pct
    FROM priced WHERE NOT priced.within
)
SELECT 'EXPIRED_CONTRACT' AS rule, 'medium' AS severity, f.line_key, f.vendor_id, f.contract_no,
       f.vendor_item, f.vendor_uom, f.supplier_id, f.item_site, f.item_bk, f.p21_item_id,
       jsonb_build_object('effective_start', f.effective_start, 'effective_end', f.effective_end,
                          'as_of', $2::date, 'days_expired', $2::date - f.effective_end,
                          'contract_price', f.price::text) AS details,
       f.effective_end::text AS fingerprint,
       format('Contract %s of vendor %s ended on %s for item %s', f.contract_no, f.vendor_id,
              f.effective_end, f.vendor_item) AS message,
       format('Ask vendor %s for a renewed contract, or remove item %s from contract %s',
              f.vendor_id, f.vendor_item, f.contract_no) AS suggested_action
FROM f WHERE f.expired
UNION ALL
SELECT 'NOT_YET_EFFECTIVE', 'low', f.line_key, f.vendor_id, f.contract_no, f.vendor_item,
       f.vendor_uom, f.supplier_id, f.item_site, f.item_bk, f.p21_item_id,
       jsonb_build_object('effective_start', f.effective_start, 'effective_end', f.effective_end,
                          'as_of', $2::date, 'days_until_start', f.effective_start - $2::date,
                          'contract_price', f.price::text),
       f.effective_start::text,
       format('Contract %s of vendor %s starts on %s for item %s', f.contract_no, f.vendor_id,
              f.effective_start, f.vendor_item),
       format('Nothing to change before %s; then update the P21 cost to the contract price %s per %s',
              f.effective_start, trim_scale(f.price), f.vendor_uom)
FROM f WHERE f.future AND NOT f.expired
UNION ALL
SELECT 'MISSING_MAPPING', 'medium', f.line_key, f.vendor_id, f.contract_no, f.vendor_item,
       f.vendor_uom, f.supplier_id, NULL, NULL, NULL,
       jsonb_build_object('supplier_id', f.supplier_id, 'supplier_known', f.supplier_known,
                          'description', f.description,
                          'exact_part_matches', f.exact_matches,
                          'suggestions', coalesce(s.n, 0), 'best_suggestion', s.best),
       concat_ws('|', f.supplier_id, f.supplier_known, f.exact_matches),
       format('Vendor item %s (%s) of vendor %s has no P21 item', f.vendor_item, f.vendor_uom,
              f.vendor_id),
       CASE WHEN s.n > 0 THEN format('Approve a suggested mapping (best: item %s, confidence %s)',
                                     s.best->>'p21_item_id', s.best->>'confidence')
            WHEN f.exact_matches > 1 THEN format(
                'Part number %s is on %s P21 items of supplier %s: map it to the right one',
                f.vendor_item, f.exact_matches, f.supplier_id)
            WHEN NOT f.supplier_known THEN format(
                'Link vendor %s to its P21 supplier, or map vendor item %s to a P21 item',
                f.vendor_id, f.vendor_item)
            ELSE format('Map vendor item %s to a P21 item, or add it as supplier part number of supplier %s in P21',
                        f.vendor_item, f.supplier_id) END
FROM f
LEFT JOIN LATERAL (
    SELECT count(*) AS n,
           (array_agg(jsonb_build_object('mapping_id', m.mapping_id, 'p21_item_id', m.p21_item_id,
                                         'confidence', m.confidence, 'method', m.method)
                      ORDER BY m.confidence DESC, m.p21_item_id))[1] AS best
    FROM recon_mappings m
    WHERE m.tenant_id = $1::uuid AND m.status = 'suggested' AND m.vendor_id = f.vendor_id
      AND m.vendor_item = f.vendor_item AND m.vendor_uom = f.vendor_uom
) s ON true
WHERE NOT f.expired AND f.item_bk IS NULL
UNION ALL
SELECT 'INACTIVE_ITEM', 'medium', f.line_key, f.vendor_id, f.contract_no, f.vendor_item,
       f.vendor_uom, f.supplier_id, f.item_site, f.item_bk, f.p21_item_id,
       jsonb_build_object('p21_item_id', f.p21_item_id, 'reason', f.inactive_reason,
                          'mapped_by', f.mapped_by),
       concat_ws('|', f.inactive_reason, f.p21_item_id),
       format('P21 item %s mapped from vendor item %s is %s', coalesce(f.p21_item_id, '?'),
              f.vendor_item, CASE f.inactive_reason WHEN 'missing' THEN 'no longer in P21'
                                 WHEN 'deleted' THEN 'deleted in P21' ELSE 'inactive in P21' END),
       format('Reactivate item %s in P21, or map vendor item %s to the item that replaces it',
              coalesce(f.p21_item_id, '?'), f.vendor_item)
FROM f WHERE NOT f.expired AND f.item_bk IS NOT NULL AND NOT f.item_active
UNION ALL
SELECT 'UOM_MISMATCH', 'high', g.line_key, g.vendor_id, g.contract_no, g.vendor_item,
       g.vendor_uom, g.supplier_id, g.item_site, g.item_bk, g.p21_item_id,
       jsonb_build_object('problem', g.uom_problem, 'contract_uom', g.vendor_uom,
                          'p21_uom', g.p21_uom, 'contract_unit_size', g.unit_size::text,
                          'p21_unit_size', g.contract_size::text, 'p21_cost_uom', g.cost_uom,
                          'p21_cost_unit_size', g.cost_size::text),
       concat_ws('|', g.uom_problem, g.p21_uom, trim_scale(g.unit_size), trim_scale(g.contract_size),
                 g.cost_uom, trim_scale(g.cost_size)),
       CASE g.uom_problem
           WHEN 'unit_size_differs' THEN format(
               'Contract unit %s holds %s, P21 unit %s of item %s holds %s', g.vendor_uom,
               trim_scale(g.unit_size), g.p21_uom, g.p21_item_id, trim_scale(g.contract_size))
           WHEN 'unit_not_in_p21' THEN format(
               'P21 item %s has no unit %s, so the contract price per %s cannot be compared with the cost per %s',
               g.p21_item_id, g.p21_uom, g.vendor_uom, g.cost_uom)
           ELSE format('P21 item %s has no size for its purchasing unit %s', g.p21_item_id,
                       g.cost_uom) END,
       CASE g.uom_problem
           WHEN 'unit_size_differs' THEN format(
               'Confirm the pack size of %s with vendor %s and correct the contract or the P21 unit %s',
               g.vendor_item, g.vendor_id, g.p21_uom)
           WHEN 'unit_not_in_p21' THEN format(
               'Add unit %s with its size to item %s in P21, or map the vendor UOM to an existing unit',
               g.p21_uom, g.p21_item_id)
           ELSE format('Add unit %s with its size to item %s in P21', g.cost_uom, g.p21_item_id)
       END
FROM f g WHERE NOT g.expired AND g.item_active AND g.uom_problem IS NOT NULL
UNION ALL
SELECT 'PRICE_MISMATCH',
       CASE WHEN q.price_problem IS NOT NULL OR q.cost = 0
                 OR 100 * abs(q.x) >= $6::numeric * abs(q.cost) * q.s_c THEN 'high'
            ELSE 'medium' END,
       q.line_key, q.vendor_id, q.contract_no, q.vendor_item, q.vendor_uom, q.supplier_id,
       q.item_site, q.item_bk, q.p21_item_id,
       jsonb_build_object('reason', coalesce(q.price_problem, 'difference'),
                          'contract_price', q.price::text, 'contract_uom', q.vendor_uom,
                          'contract_currency', q.currency, 'p21_currency', $7::text,
                          'p21_cost', q.cost::text, 'p21_cost_uom', q.cost_uom,
                          'contract_unit_size', q.s_c::text, 'p21_cost_unit_size', q.s_p::text,
                          'contract_price_per_p21_unit', q.price_in_cost_unit::text,
                          'difference', q.difference::text,
                          'difference_pct', q.difference_pct::text,
                          'abs_tolerance', $3::numeric::text, 'pct_tolerance', $4::numeric::text,
                          'tolerance_mode', $5::text),
       concat_ws('|', coalesce(q.price_problem, 'difference'), trim_scale(q.price),
                 trim_scale(q.s_c), trim_scale(q.s_p), trim_scale(q.cost), q.currency),
       CASE q.price_problem
           WHEN 'currency' THEN format(
               'Contract price for %s is in %s, P21 costs are in %s', q.vendor_item, q.currency,
               $7::text)
           WHEN 'no_p21_cost' THEN format(
               'P21 item %s has no cost from supplier %s; the contract says %s per %s',
               q.p21_item_id, q.supplier_id, trim_scale(q.price), q.vendor_uom)
           ELSE format(
               'Contract price %s per %s is %s per %s; P21 cost of item %s from supplier %s is %s (difference %s, %s%%)',
               trim_scale(q.price), q.vendor_uom, q.price_in_cost_unit, q.cost_uom, q.p21_item_id,
               q.supplier_id, trim_scale(q.cost), q.difference, coalesce(q.difference_pct::text, 'n/a'))
       END,
       CASE q.price_problem
           WHEN 'currency' THEN format(
               'Ask vendor %s for prices in %s, or convert the contract before uploading it',
               q.vendor_id, $7::text)
           WHEN 'no_p21_cost' THEN format(
               'Add supplier %s to item %s in P21 with cost %s per %s', q.supplier_id,
               q.p21_item_id, q.price_in_cost_unit, q.cost_uom)
           ELSE format('Update the P21 cost of item %s from supplier %s to %s per %s, or confirm the contract price with vendor %s',
                       q.p21_item_id, q.supplier_id, q.price_in_cost_unit, q.cost_uom, q.vendor_id)
       END
FROM q)sql";

inline constexpr std::string_view kDropTemps = R"sql(
DROP TABLE IF EXISTS pg_temp.cs_recon_lines, pg_temp.cs_recon_vendors, pg_temp.cs_recon_work,
    pg_temp.cs_recon_facts, pg_temp.cs_recon_hits, pg_temp.cs_recon_merge,
    pg_temp.cs_recon_changes)sql";

}  // namespace cs::relay::recon::run_sql

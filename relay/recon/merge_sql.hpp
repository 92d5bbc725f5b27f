#pragma once

#include <string_view>

// The statements of a reconciliation run that merge its findings
// (cs_recon_hits, relay/recon/run_sql.hpp) into recon_exceptions, in order
// (docs/reconciliation.md, "Identity"). All are set-based. Each statement's
// parameters are named at it ($1 is always the tenant id).
namespace cs::relay::recon::run_sql {

// cs_recon_merge: each finding next to the exception it continues, if any, and
// what happens to that exception. $1 tenant, $2 as-of date. Indexed by
// exception (kMergeIndex) and analyzed, so updating the exceptions found again
// stays a lookup per row whichever side the planner starts from: its estimate
// of the tenant's exceptions may be far off (see kAutoResolve).
//
// A person's resolution holds while the finding has the fingerprint it had
// when they resolved it ('resolved'); a run's resolution ends whenever the
// condition returns ('reopen'). `old_details` are the numbers the finding is
// compared with to say what changed (kChanges): those of the person's
// resolution, of the last finding before the run resolved it, or of the last
// finding under an override; null when nothing needs saying.
inline constexpr std::string_view kMerge = R"sql(
CREATE TEMP TABLE cs_recon_merge ON COMMIT DROP AS
WITH m AS (
    SELECT h.*,
           CASE h.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END AS severity_rank,
           e.exception_id, e.override_until,
           CASE WHEN e.exception_id IS NULL THEN 'new'
                WHEN e.status = 'open' THEN 'open'
                WHEN e.status = 'resolved' AND e.resolution_kind = 'manual'
                     AND e.resolved_fingerprint = h.fingerprint THEN 'resolved'
                WHEN e.status = 'resolved' THEN 'reopen'
                WHEN e.override_until >= $2::date AND e.override_fingerprint = h.fingerprint
                    THEN 'overridden'
                ELSE 'override_ended' END AS action,
           CASE WHEN e.status = 'overridden' AND e.override_until < $2::date
                    THEN format('override until %s expired', e.override_until)
                WHEN e.status = 'overridden'
                    THEN 'the numbers changed since the override was given' END AS override_note,
           e.status AS old_status, e.resolution_kind AS old_resolution_kind,
           e.resolved_at AS old_resolved_at, e.resolved_details, e.details AS found_details,
           e.override_fingerprint
    FROM cs_recon_hits h
    LEFT JOIN recon_exceptions e ON e.tenant_id = $1::uuid AND e.rule = h.rule
                                AND e.line_key = h.line_key
)
SELECT m.rule, m.severity, m.line_key, m.vendor_id, m.contract_no, m.vendor_item, m.vendor_uom,
       m.supplier_id, m.item_site, m.item_bk, m.p21_item_id, m.details, m.fingerprint, m.message,
       m.suggested_action, m.severity_rank, m.exception_id, m.override_until, m.action,
       m.override_note,
       CASE WHEN m.action = 'reopen' THEN m.old_resolution_kind END AS old_resolution_kind,
       CASE WHEN m.action = 'reopen' THEN m.old_resolved_at END AS old_resolved_at,
       CASE WHEN m.action = 'reopen' AND m.old_resolution_kind = 'manual'
                THEN coalesce(m.resolved_details, m.found_details)
            WHEN m.action = 'reopen' THEN m.found_details
            WHEN m.action = 'override_ended' AND m.override_fingerprint <> m.fingerprint
                THEN m.found_details END AS old_details
FROM m)sql";

// Exceptions by id, for the updates below.
inline constexpr std::string_view kMergeIndex = R"sql(
CREATE INDEX ON cs_recon_merge (exception_id))sql";

// cs_recon_changes: for each exception that reopens or whose override ends,
// the numbers of its details that differ from `old_details`, the most telling
// first, each with where the new value came from: the contract line (the
// uploaded file and its date, or the site that synced it), P21, the item
// mapping, the vendor links, the policy. Decimals compare as numbers (12.50
// is 12.5) and show as stored. $1 tenant.
inline constexpr std::string_view kChanges = R"sql(
CREATE TEMP TABLE cs_recon_changes ON COMMIT DROP AS
WITH fields (rule, ord, field, label, side) AS (VALUES
    ('PRICE_MISMATCH', 1, 'contract_price', 'price', 'contract'),
    ('PRICE_MISMATCH', 2, 'p21_cost', 'P21 cost', 'p21'),
    ('PRICE_MISMATCH', 3, 'contract_currency', 'currency', 'contract'),
    ('PRICE_MISMATCH', 4, 'p21_cost_uom', 'P21 cost unit', 'p21'),
    ('PRICE_MISMATCH', 5, 'contract_unit_size', 'P21 size of the contract unit', 'p21'),
    ('PRICE_MISMATCH', 6, 'p21_cost_unit_size', 'P21 size of the cost unit', 'p21'),
    ('PRICE_MISMATCH', 7, 'p21_currency', 'currency of P21 costs', 'policy'),
    ('PRICE_MISMATCH', 8, 'reason', 'problem', ''),
    ('UOM_MISMATCH', 1, 'contract_unit_size', 'pack size', 'contract'),
    ('UOM_MISMATCH', 2, 'p21_unit_size', 'P21 size of the unit', 'p21'),
    ('UOM_MISMATCH', 3, 'p21_uom', 'P21 unit', 'mapping'),
    ('UOM_MISMATCH', 4, 'p21_cost_uom', 'P21 cost unit', 'p21'),
    ('UOM_MISMATCH', 5, 'p21_cost_unit_size', 'P21 size of the cost unit', 'p21'),
    ('UOM_MISMATCH', 6, 'problem', 'problem', ''),
    ('EXPIRED_CONTRACT', 1, 'effective_end', 'end date', 'contract'),
    ('NOT_YET_EFFECTIVE', 1, 'effective_start', 'start date', 'contract'),
    ('MISSING_MAPPING', 1, 'supplier_id', 'P21 supplier', 'vendor'),
    ('MISSING_MAPPING', 2, 'supplier_known', 'supplier known to P21', 'vendor'),
    ('MISSING_MAPPING', 3, 'exact_part_matches', 'P21 items with this part number', 'p21'),
    ('INACTIVE_ITEM', 1, 'reason', 'P21 item status', 'p21'),
    ('INACTIVE_ITEM', 2, 'p21_item_id', 'P21 item', 'mapping')
), pairs AS (
    SELECT m.exception_id, m.line_key, m.item_site, f.ord, f.field, f.label, f.side,
           m.old_details->>f.field AS old_value, m.details->>f.field AS new_value
    FROM cs_recon_merge m
    JOIN fields f ON f.rule = m.rule
    WHERE m.old_details IS NOT NULL
), changed AS (
    SELECT p.*,
           CASE p.side
               WHEN 'contract' THEN CASE WHEN l.uploaded
                   THEN format('in the file %s of %s', l.source_name,
                               (l.changed_at AT TIME ZONE 'UTC')::date)
                   ELSE format('in the contract lines synced from site %s on %s', l.source_name,
                               (l.changed_at AT TIME ZONE 'UTC')::date) END
               WHEN 'p21' THEN coalesce('in P21 (site ' || s.name || ')', 'in P21')
               WHEN 'mapping' THEN 'in the item mapping'
               WHEN 'vendor' THEN 'in the vendor links or P21 suppliers'
               WHEN 'policy' THEN 'in the reconciliation policy'
               ELSE '' END AS source
    FROM pairs p
    JOIN cs_recon_lines l ON l.line_key = p.line_key
    LEFT JOIN sites s ON s.tenant_id = $1::uuid AND s.site_id = p.item_site
    WHERE NOT CASE
        WHEN p.old_value IS NULL OR p.new_value IS NULL THEN p.old_value IS NOT DISTINCT FROM p.new_value
        WHEN p.old_value ~ '^-?[0-9]+(\.[0-9]+)?$' AND p.new_value ~ '^-?[0-9]+(\.[0-9]+)?$'
            THEN p.old_value::numeric = p.new_value::numeric
        ELSE p.old_value = p.new_value END
), shown AS (
    SELECT c.*,
           concat_ws(' ', format('%s changed from %s to %s', c.label,
                                 CASE c.old_value WHEN 'true' THEN 'yes' WHEN 'false' THEN 'no'
                                     ELSE coalesce(nullif(c.old_value, ''), 'none') END,
                                 CASE c.new_value WHEN 'true' THEN 'yes' WHEN 'false' THEN 'no'
                                     ELSE coalesce(nullif(c.new_value, ''), 'none') END),
                     nullif(c.source, '')) AS sentence
    FROM changed c
), grouped AS (
    SELECT exception_id, array_agg(sentence ORDER BY ord) AS sentences,
           array_agg(label ORDER BY ord) AS labels,
           jsonb_agg(jsonb_build_object('field', field, 'from', old_value, 'to', new_value,
                                        'source', nullif(source, '')) ORDER BY ord) AS changes
    FROM shown GROUP BY exception_id
)
SELECT exception_id,
       sentences[1] || coalesce('; also changed: '
                                || nullif(array_to_string(labels[2:], ', '), ''), '') AS note,
       changes
FROM grouped)sql";

// New exceptions, each with an 'opened' event and the tenant's next numbers
// (recon_exception_numbers: only runs write it, one at a time per tenant;
// never below the highest number in use).
// $1 tenant, $2 run id.
inline constexpr std::string_view kInsertNew = R"sql(
WITH fresh AS (
    SELECT m.*, row_number() OVER (ORDER BY line_key, rule) AS n
    FROM cs_recon_merge m WHERE action = 'new'),
highest AS (
    SELECT coalesce(max(number), 0) AS n FROM recon_exceptions WHERE tenant_id = $1::uuid),
counter AS (
    INSERT INTO recon_exception_numbers AS c (tenant_id, last)
    SELECT $1::uuid, (SELECT n FROM highest) + (SELECT count(*) FROM fresh)
    ON CONFLICT (tenant_id) DO UPDATE
        SET last = GREATEST(c.last, (SELECT n FROM highest)) + (SELECT count(*) FROM fresh)
    RETURNING c.last - (SELECT count(*) FROM fresh) AS base),
ins AS (
    INSERT INTO recon_exceptions (tenant_id, rule, line_key, vendor_id, contract_no, vendor_item,
        vendor_uom, supplier_id, p21_site_id, p21_item_bk, p21_item_id, severity, severity_rank,
        status, message, suggested_action, details, fingerprint, first_run_id, last_run_id,
        number)
    SELECT $1::uuid, rule, line_key, vendor_id, contract_no, vendor_item, vendor_uom,
           supplier_id, item_site, item_bk, p21_item_id, severity, severity_rank, 'open', message,
           suggested_action, details, fingerprint, $2::uuid, $2::uuid, counter.base + fresh.n
    FROM fresh CROSS JOIN counter
    RETURNING exception_id)
INSERT INTO recon_exception_events (tenant_id, exception_id, run_id, kind, note)
SELECT $1::uuid, exception_id, $2::uuid, 'opened', 'found by the run' FROM ins)sql";

// Exceptions found again: current numbers; reopened when a run resolved them
// or a person did and the numbers changed since; an override kept while valid
// and ended otherwise. A reopen's or an ended override's event says why
// (cs_recon_changes) and carries the changes. A person's resolution that
// holds records nothing. $1 tenant, $2 run id.
inline constexpr std::string_view kUpdateFound = R"sql(
WITH upd AS (
    UPDATE recon_exceptions e SET
        severity = m.severity, severity_rank = m.severity_rank, message = m.message,
        suggested_action = m.suggested_action, details = m.details, fingerprint = m.fingerprint,
        supplier_id = m.supplier_id, p21_site_id = m.item_site, p21_item_bk = m.item_bk,
        p21_item_id = m.p21_item_id, last_run_id = $2::uuid, last_seen_at = now(),
        status = CASE m.action WHEN 'overridden' THEN 'overridden' WHEN 'resolved' THEN 'resolved'
                     ELSE 'open' END,
        resolved_at = CASE WHEN m.action = 'reopen' THEN NULL ELSE e.resolved_at END,
        resolved_by = CASE WHEN m.action = 'reopen' THEN NULL ELSE e.resolved_by END,
        resolution_kind = CASE WHEN m.action = 'reopen' THEN NULL ELSE e.resolution_kind END,
        resolution = CASE WHEN m.action = 'reopen' THEN NULL ELSE e.resolution END,
        resolved_fingerprint = CASE WHEN m.action = 'reopen' THEN NULL
                                    ELSE e.resolved_fingerprint END,
        resolved_details = CASE WHEN m.action = 'reopen' THEN NULL ELSE e.resolved_details END,
        override_until = CASE WHEN m.action = 'override_ended' THEN NULL ELSE e.override_until END,
        override_fingerprint = CASE WHEN m.action = 'override_ended' THEN NULL
                                    ELSE e.override_fingerprint END,
        override_reason = CASE WHEN m.action = 'override_ended' THEN NULL ELSE e.override_reason END,
        overridden_by = CASE WHEN m.action = 'override_ended' THEN NULL ELSE e.overridden_by END,
        overridden_at = CASE WHEN m.action = 'override_ended' THEN NULL ELSE e.overridden_at END,
        updated_at = CASE WHEN m.action IN ('reopen', 'override_ended')
                            OR e.fingerprint <> m.fingerprint OR e.severity <> m.severity
                          THEN now() ELSE e.updated_at END
    FROM cs_recon_merge m
    WHERE e.tenant_id = $1::uuid AND e.exception_id = m.exception_id AND m.action <> 'new'
    RETURNING e.exception_id, m.action, m.override_note, m.old_resolution_kind,
              m.old_resolved_at)
INSERT INTO recon_exception_events (tenant_id, exception_id, run_id, kind, note, details)
SELECT $1::uuid, u.exception_id, $2::uuid,
       CASE u.action WHEN 'reopen' THEN 'reopened' ELSE 'override_ended' END,
       CASE WHEN u.action = 'override_ended' THEN u.override_note || coalesce(': ' || c.note, '')
            WHEN u.old_resolution_kind = 'manual'
                THEN coalesce(c.note, 'the numbers changed since it was resolved')
            ELSE format('the condition holds again (resolved by a run on %s)',
                        (u.old_resolved_at AT TIME ZONE 'UTC')::date)
                 || coalesce(': ' || c.note, '') END,
       jsonb_build_object('changes', coalesce(c.changes, '[]'::jsonb))
           || CASE WHEN u.action = 'reopen'
                   THEN jsonb_build_object('resolution_kind', u.old_resolution_kind,
                                           'resolved_at', u.old_resolved_at)
                   ELSE '{}'::jsonb END
FROM upd u
LEFT JOIN cs_recon_changes c ON c.exception_id = u.exception_id
WHERE u.action IN ('reopen', 'override_ended'))sql";

// Exceptions no longer found: resolved automatically, with a note saying why.
// $1 tenant, $2 run id. Returns the number resolved. One pass over the
// tenant's open exceptions, joined to nothing: the statistics of this shared
// table may know nothing of the tenant yet (its rows are new, or were written
// by this very run), and a self-join planned on "one row" estimates would
// compare every open exception with every other (docs/reconciliation.md).
// A person's resolution is left as it is: it holds until its numbers change.
// $3 the run's scope (kScopeLines; '[]': every line): a limited run resolves
// only the exceptions of its lines.
inline constexpr std::string_view kAutoResolve = R"sql(
WITH res AS (
    UPDATE recon_exceptions e SET
        status = 'resolved', resolution_kind = 'auto', resolved_at = now(), resolved_by = NULL,
        resolution = CASE WHEN e.line_key IN (SELECT line_key FROM cs_recon_lines WHERE valid)
                              THEN 'the condition no longer holds'
                          WHEN e.line_key IN (SELECT line_key FROM cs_recon_lines)
                              THEN 'the contract line lacks a vendor, item or price'
                          ELSE 'the contract line is no longer present' END,
        override_until = NULL, override_fingerprint = NULL, override_reason = NULL,
        overridden_by = NULL, overridden_at = NULL, updated_at = now()
    WHERE e.tenant_id = $1::uuid AND e.status IN ('open', 'overridden')
      AND e.last_run_id <> $2::uuid  -- every finding of this run carries its id by now
      AND ($3::jsonb = '[]'::jsonb OR EXISTS (
          SELECT 1 FROM jsonb_to_recordset($3::jsonb) s(vendor_id text, vendor_item text,
                                                       vendor_uom text)
          WHERE s.vendor_id = e.vendor_id
            AND (s.vendor_item = '' OR s.vendor_item = e.vendor_item)
            AND (s.vendor_uom = '' OR s.vendor_uom = e.vendor_uom)))
    RETURNING e.exception_id, e.resolution),
ev AS (
    INSERT INTO recon_exception_events (tenant_id, exception_id, run_id, kind, note)
    SELECT $1::uuid, exception_id, $2::uuid, 'auto_resolved', resolution FROM res)
SELECT count(*) FROM res)sql";

// The run's counts. $1 tenant.
inline constexpr std::string_view kCounts = R"sql(
SELECT (SELECT count(*) FROM cs_recon_lines),
       (SELECT count(*) FROM cs_recon_lines WHERE NOT valid),
       (SELECT count(*) FROM cs_recon_work WHERE item_bk IS NOT NULL),
       (SELECT count(*) FILTER (WHERE action = 'new') FROM cs_recon_merge),
       (SELECT count(*) FILTER (WHERE action = 'reopen') FROM cs_recon_merge),
       (SELECT count(*) FILTER (WHERE action = 'open') FROM cs_recon_merge),
       (SELECT count(*) FILTER (WHERE action = 'overridden') FROM cs_recon_merge),
       (SELECT count(*) FILTER (WHERE action = 'override_ended') FROM cs_recon_merge),
       (SELECT count(*) FROM recon_exceptions WHERE tenant_id = $1::uuid AND status = 'open'),
       (SELECT coalesce(jsonb_object_agg(rule, n), '{}'::jsonb)
        FROM (SELECT rule, count(*) AS n FROM cs_recon_hits GROUP BY rule) r),
       (SELECT count(*) FILTER (WHERE action = 'resolved') FROM cs_recon_merge))sql";

}  // namespace cs::relay::recon::run_sql

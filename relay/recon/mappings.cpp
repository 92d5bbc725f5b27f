#include "relay/recon/mappings.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "relay/recon/atomic.hpp"
#include "relay/recon/p21_catalog.hpp"
#include "relay/recon/sql_util.hpp"

namespace cs::relay::recon {
namespace {

using json = nlohmann::json;

// The vendor's own words for the item, shown beside P21's: an uploaded
// contract line's description, else the one a run kept in the key's exception.
constexpr const char* kVendorDesc = R"sql(coalesce(
    (SELECT l.description FROM recon_contract_lines l
     WHERE l.tenant_id = m.tenant_id AND l.vendor_id = m.vendor_id
       AND l.vendor_item = m.vendor_item AND l.vendor_uom = m.vendor_uom
       AND l.description IS NOT NULL LIMIT 1),
    (SELECT e.details->>'description' FROM recon_exceptions e
     WHERE e.tenant_id = m.tenant_id AND e.vendor_id = m.vendor_id
       AND e.vendor_item = m.vendor_item AND e.vendor_uom = m.vendor_uom
       AND e.details ? 'description' LIMIT 1), ''))sql";

std::string select_mappings() {
    return "SELECT m.mapping_id, m.vendor_id, m.vendor_item, m.vendor_uom, m.p21_site_id, "
           "m.p21_item_id, coalesce(i.item_desc, ''), m.p21_uom, m.method, "
           "m.confidence::text, m.status, coalesce(m.note, ''), coalesce(m.decided_by::text, ''), "
           "coalesce(" +
           sql::iso("m.decided_at") + ", ''), " + sql::iso("m.created_at") + ", " +
           sql::iso("m.updated_at") + ", " + kVendorDesc +
           " FROM recon_mappings m LEFT JOIN recon_p21_items i ON i.tenant_id = m.tenant_id AND "
           "i.site_id = m.p21_site_id AND i.item_bk = m.p21_item_bk";
}

MappingView mapping_from(const db::Result& r, int row) {
    MappingView m;
    int c = 0;
    for (std::string* field :
         {&m.mapping_id, &m.vendor_id, &m.vendor_item, &m.vendor_uom, &m.p21_site_id,
          &m.p21_item_id, &m.p21_item_desc, &m.p21_uom, &m.method, &m.confidence, &m.status,
          &m.note, &m.decided_by, &m.decided_at, &m.created_at, &m.updated_at, &m.vendor_desc}) {
        *field = sql::text(r, row, c++);
    }
    return m;
}

json nullable(const std::string& s) {
    return s.empty() ? json() : json(s);
}

json decision_state(const MappingView& m) {
    return {{"status", m.status},
            {"p21_item_id", m.p21_item_id},
            {"p21_uom", m.p21_uom},
            {"method", m.method},
            {"note", nullable(m.note)}};
}

Expected<MappingView> lock_mapping(db::Connection& conn, std::string_view tenant_id,
                                   const std::string& id) {
    auto r = conn.query("reading a mapping",
                        select_mappings() +
                            " WHERE m.tenant_id = $1::uuid AND m.mapping_id = $2::uuid FOR UPDATE "
                            "OF m",
                        db::Params().text(tenant_id).text(id));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::not_found, "mapping {} not found", id);
    }
    return mapping_from(*r, 0);
}

Status check_note(std::string_view note) {
    if (note.size() > kMaxReasonBytes || note.find('\0') != std::string_view::npos) {
        return make_error(ErrorCode::invalid_argument,
                          "note: at most {} bytes and no NUL characters", kMaxReasonBytes);
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

// The inv_mast record a target names: (site, bk_hash, item_id).
struct ResolvedItem {
    std::string site_id;
    std::string bk_hash;  // raw bytes
    std::string item_id;
};

// Inside the caller's unit of work; brings the catalog up to date first, so an
// item synced since the last run can be named.
Expected<ResolvedItem> resolve_item(db::Connection& conn, std::string_view tenant_id,
                                    const MappingTarget& target) {
    if (target.p21_item_id.empty() || target.p21_item_id.size() > 200) {
        return make_error(ErrorCode::invalid_argument, "p21_item_id: 1-200 bytes required");
    }
    std::string site;
    if (!target.p21_site_id.empty()) {
        auto id = canonical_uuid(target.p21_site_id, "p21_site_id");
        if (!id) {
            return std::move(id).error();
        }
        site = *id;
    }
    if (auto c = refresh_p21_catalog(conn, tenant_id); !c) {
        return std::move(c).error();
    }
    auto r = conn.query("finding the P21 item", R"sql(
        SELECT site_id, item_bk, item_id FROM recon_p21_items
        WHERE tenant_id = $1::uuid AND item_norm = cs_norm_part($2) AND item_id = $2
          AND NOT deleted AND ($3 = '' OR site_id = nullif($3, '')::uuid)
        LIMIT 2)sql",
                        db::Params().text(tenant_id).text(target.p21_item_id).text(site));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::invalid_argument, "P21 item '{}' not found{}",
                          target.p21_item_id, site.empty() ? "" : " on that site");
    }
    if (r->rows() > 1) {
        return make_error(ErrorCode::invalid_argument,
                          "P21 item '{}' exists on several sites; name p21_site_id",
                          target.p21_item_id);
    }
    return ResolvedItem{sql::text(*r, 0, 0), r->bytea(0, 1), sql::text(*r, 0, 2)};
}

// The losing candidates of a vendor key once one is approved: every other
// suggestion or approval of the key is rejected, with the winner named as the
// reason. Returns their ids.
Expected<std::vector<std::string>> close_other_candidates(db::Connection& conn,
                                                          std::string_view tenant_id,
                                                          const std::string& keep_id,
                                                          const VendorKey& key,
                                                          const Actor& actor) {
    auto r = conn.query("closing the other candidates", R"sql(
        UPDATE recon_mappings m SET status = 'rejected',
               note = format('another candidate was approved: P21 item %s', w.p21_item_id),
               decided_by = nullif($6, '')::uuid, decided_at = now(), updated_at = now()
        FROM recon_mappings w
        WHERE m.tenant_id = $1::uuid AND m.vendor_id = $2 AND m.vendor_item = $3
          AND m.vendor_uom = $4 AND m.status IN ('suggested', 'approved')
          AND m.mapping_id <> $5::uuid
          AND w.tenant_id = $1::uuid AND w.mapping_id = $5::uuid
        RETURNING m.mapping_id)sql",
                        db::Params()
                            .text(tenant_id)
                            .text(key.vendor_id)
                            .text(key.vendor_item)
                            .text(key.vendor_uom)
                            .text(keep_id)
                            .text(actor.user_id));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<std::string> ids;
    for (int i = 0; i < r->rows(); ++i) {
        ids.push_back(sql::text(*r, i, 0));
    }
    return ids;
}

// Ends a manual approval of `approved` for `key`: the key's other candidates
// closed (their ids into `closed`), the inputs marked changed for the
// scheduler, the unit committed. Returns the approved mapping as it now stands.
Expected<MappingView> settle_approval(db::Connection& conn, Atomic& unit,
                                      std::string_view tenant_id, const std::string& approved,
                                      const VendorKey& key, const Actor& actor,
                                      std::vector<std::string>& closed) {
    auto losers = close_other_candidates(conn, tenant_id, approved, key, actor);
    if (!losers) {
        return std::move(losers).error();
    }
    closed = std::move(*losers);
    auto after = lock_mapping(conn, tenant_id, approved);
    if (!after) {
        return std::move(after).error();
    }
    if (auto s = sql::mark_inputs_changed(conn, tenant_id); !s) {
        return std::move(s).error();
    }
    if (auto s = unit.commit(); !s) {
        return std::move(s).error();
    }
    return after;
}

// Approves (key -> item) as a manual mapping: the existing row for that pairing
// or a new one. Returns its id.
Expected<std::string> approve_manual(db::Connection& conn, std::string_view tenant_id,
                                     const VendorKey& key, const ResolvedItem& item,
                                     const std::string& p21_uom, const Actor& actor,
                                     std::string_view note) {
    auto r = conn.query("approving a manual mapping", R"sql(
        INSERT INTO recon_mappings AS m (tenant_id, vendor_id, vendor_item, vendor_uom,
            p21_site_id, p21_item_bk, p21_item_id, p21_uom, method, confidence, status, note,
            decided_by, decided_at)
        VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6, $7, $8, 'manual', 1, 'approved',
                nullif($9, ''), nullif($10, '')::uuid, now())
        ON CONFLICT (tenant_id, vendor_id, vendor_item, vendor_uom, p21_site_id, p21_item_bk)
        DO UPDATE SET p21_uom = EXCLUDED.p21_uom, method = 'manual', confidence = 1,
            status = 'approved', note = EXCLUDED.note, decided_by = EXCLUDED.decided_by,
            decided_at = now(), updated_at = now()
        RETURNING mapping_id)sql",
                        db::Params()
                            .text(tenant_id)
                            .text(key.vendor_id)
                            .text(key.vendor_item)
                            .text(key.vendor_uom)
                            .text(item.site_id)
                            .bytea(item.bk_hash)
                            .text(item.item_id)
                            .text(p21_uom)
                            .text(note)
                            .text(actor.user_id));
    if (!r) {
        return std::move(r).error();
    }
    return sql::text(*r, 0, 0);
}

Status check_key(const VendorKey& key) {
    for (const auto& [name, value] :
         {std::pair{"vendor_id", &key.vendor_id}, std::pair{"vendor_item", &key.vendor_item},
          std::pair{"vendor_uom", &key.vendor_uom}}) {
        if (value->empty() || value->size() > 1024 || value->find('\0') != std::string::npos) {
            return make_error(ErrorCode::invalid_argument, "{}: 1-1024 bytes required", name);
        }
    }
    return ok();
}

std::string target_uom(const MappingTarget& target, std::string_view vendor_uom) {
    return target.p21_uom.empty() ? std::string(vendor_uom) : upper(target.p21_uom);
}

}  // namespace

Expected<Page<MappingView>> list_mappings(db::Connection& conn, std::string_view tenant_id,
                                          const MappingFilter& filter) {
    auto after = sql::parse_uuid_cursor(filter.cursor);
    if (!after) {
        return std::move(after).error();
    }
    int n = sql::page_size(filter.limit);
    auto r = conn.query("listing mappings", select_mappings() + R"sql(
        WHERE m.tenant_id = $1::uuid AND ($2 = '' OR m.status = $2)
          AND ($3 = '' OR m.vendor_id = upper($3)) AND ($4 = '' OR m.vendor_item = $4)
          AND ($5 = '' OR m.mapping_id < nullif($5, '')::uuid)
        ORDER BY m.mapping_id DESC LIMIT $6::int)sql",
                        db::Params()
                            .text(tenant_id)
                            .text(filter.status.value_or(""))
                            .text(filter.vendor_id.value_or(""))
                            .text(filter.vendor_item.value_or(""))
                            .text(*after)
                            .integer(n + 1));
    if (!r) {
        return std::move(r).error();
    }
    return sql::uuid_page(*r, n, mapping_from, &MappingView::mapping_id);
}

Expected<MappingView> get_mapping(db::Connection& conn, std::string_view tenant_id,
                                  std::string_view mapping_id) {
    auto id = canonical_uuid(mapping_id, "mapping id");
    if (!id) {
        return std::move(id).error();
    }
    auto r = conn.query("reading a mapping",
                        select_mappings() +
                            " WHERE m.tenant_id = $1::uuid AND m.mapping_id = "
                            "$2::uuid",
                        db::Params().text(tenant_id).text(*id));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::not_found, "mapping {} not found", *id);
    }
    return mapping_from(*r, 0);
}

Expected<std::vector<AuditRecord>> decide_mappings(db::Connection& conn, std::string_view tenant_id,
                                                   const std::vector<std::string>& mapping_ids,
                                                   MappingDecision decision, const Actor& actor,
                                                   std::string_view note) {
    if (mapping_ids.empty() || mapping_ids.size() > kMaxBulkItems) {
        return make_error(ErrorCode::invalid_argument, "name 1 to {} mappings (got {})",
                          kMaxBulkItems, mapping_ids.size());
    }
    if (auto s = check_note(note); !s) {
        return std::move(s).error();
    }
    std::vector<std::string> ids;
    for (const auto& raw : mapping_ids) {
        auto id = canonical_uuid(raw, "mapping id");
        if (!id) {
            return std::move(id).error();
        }
        ids.push_back(*id);
    }
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    std::vector<AuditRecord> out;
    std::set<std::string> approved_keys;
    for (const auto& id : ids) {
        std::vector<std::string> closed;
        auto before = lock_mapping(conn, tenant_id, id);
        if (!before) {
            return std::move(before).error();
        }
        bool approve = decision == MappingDecision::approve;
        if (approve) {
            std::string key =
                before->vendor_id + '\x1f' + before->vendor_item + '\x1f' + before->vendor_uom;
            if (!approved_keys.insert(key).second) {
                return make_error(ErrorCode::conflict,
                                  "two of the mappings are for vendor item {} ({}) of {}; approve "
                                  "one",
                                  before->vendor_item, before->vendor_uom, before->vendor_id);
            }
            VendorKey vendor_key{before->vendor_id, before->vendor_item, before->vendor_uom};
            auto losers = close_other_candidates(conn, tenant_id, id, vendor_key, actor);
            if (!losers) {
                return std::move(losers).error();
            }
            closed = std::move(*losers);
        }
        auto r = conn.query("deciding a mapping", R"sql(
            UPDATE recon_mappings SET status = $3, note = coalesce(nullif($4, ''), note),
                   decided_by = nullif($5, '')::uuid, decided_at = now(), updated_at = now()
            WHERE tenant_id = $1::uuid AND mapping_id = $2::uuid)sql",
                            db::Params()
                                .text(tenant_id)
                                .text(id)
                                .text(approve ? "approved" : "rejected")
                                .text(note)
                                .text(actor.user_id));
        if (!r) {
            return std::move(r).error();
        }
        auto after = lock_mapping(conn, tenant_id, id);
        if (!after) {
            return std::move(after).error();
        }
        json after_json = decision_state(*after);
        if (approve) {
            after_json["closed_candidates"] = closed;
        }
        out.push_back(AuditRecord{approve ? "recon.mapping.approve" : "recon.mapping.reject",
                                  "recon_mapping", id, decision_state(*before),
                                  std::move(after_json)});
    }
    if (auto s = sql::mark_inputs_changed(conn, tenant_id); !s) {
        return std::move(s).error();
    }
    if (auto s = unit->commit(); !s) {
        return std::move(s).error();
    }
    return out;
}

Expected<AuditRecord> edit_mapping(db::Connection& conn, std::string_view tenant_id,
                                   std::string_view mapping_id, const MappingTarget& target,
                                   const Actor& actor, std::string_view note) {
    auto id = canonical_uuid(mapping_id, "mapping id");
    if (!id) {
        return std::move(id).error();
    }
    if (auto s = check_note(note); !s) {
        return std::move(s).error();
    }
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    auto before = lock_mapping(conn, tenant_id, *id);
    if (!before) {
        return std::move(before).error();
    }
    auto item = resolve_item(conn, tenant_id, target);
    if (!item) {
        return std::move(item).error();
    }
    VendorKey key{before->vendor_id, before->vendor_item, before->vendor_uom};
    auto approved = approve_manual(conn, tenant_id, key, *item, target_uom(target, key.vendor_uom),
                                   actor, note);
    if (!approved) {
        return std::move(approved).error();
    }
    if (*approved != *id) {
        auto r = conn.query("rejecting the edited suggestion", R"sql(
            UPDATE recon_mappings SET status = 'rejected', decided_by = nullif($3, '')::uuid,
                   decided_at = now(), updated_at = now()
            WHERE tenant_id = $1::uuid AND mapping_id = $2::uuid)sql",
                            db::Params().text(tenant_id).text(*id).text(actor.user_id));
        if (!r) {
            return std::move(r).error();
        }
    }
    std::vector<std::string> closed;
    auto after = settle_approval(conn, *unit, tenant_id, *approved, key, actor, closed);
    if (!after) {
        return std::move(after).error();
    }
    json after_json = decision_state(*after);
    after_json["mapping_id"] = after->mapping_id;
    after_json["closed_candidates"] = closed;
    return AuditRecord{"recon.mapping.edit", "recon_mapping", *id, decision_state(*before),
                       std::move(after_json)};
}

Expected<AuditRecord> create_mapping(db::Connection& conn, std::string_view tenant_id,
                                     const VendorKey& raw_key, const MappingTarget& target,
                                     const Actor& actor, std::string_view note) {
    VendorKey key{upper(raw_key.vendor_id), raw_key.vendor_item, upper(raw_key.vendor_uom)};
    if (auto s = check_key(key); !s) {
        return std::move(s).error();
    }
    if (auto s = check_note(note); !s) {
        return std::move(s).error();
    }
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    auto item = resolve_item(conn, tenant_id, target);
    if (!item) {
        return std::move(item).error();
    }
    auto approved = approve_manual(conn, tenant_id, key, *item, target_uom(target, key.vendor_uom),
                                   actor, note);
    if (!approved) {
        return std::move(approved).error();
    }
    std::vector<std::string> closed;
    auto after = settle_approval(conn, *unit, tenant_id, *approved, key, actor, closed);
    if (!after) {
        return std::move(after).error();
    }
    json after_json = decision_state(*after);
    after_json["closed_candidates"] = closed;
    after_json["vendor_id"] = key.vendor_id;
    after_json["vendor_item"] = key.vendor_item;
    after_json["vendor_uom"] = key.vendor_uom;
    return AuditRecord{"recon.mapping.create", "recon_mapping", *approved, json(),
                       std::move(after_json)};
}

Expected<SuggestReport> suggest_mappings(db::Connection& conn, std::string_view tenant_id,
                                         const SuggestOptions& options) {
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    if (auto c = refresh_p21_catalog(conn, tenant_id); !c) {
        return std::move(c).error();
    }
    // The keys to look at: open MISSING_MAPPING exceptions not looked at since
    // they opened (or reopened).
    auto keys =
        conn.exec("choosing keys to suggest for", "DROP TABLE IF EXISTS pg_temp.cs_recon_keys");
    if (!keys) {
        return std::move(keys).error();
    }
    auto chosen = conn.query(
        "choosing keys to suggest for", R"sql(
        CREATE TEMP TABLE cs_recon_keys ON COMMIT DROP AS
        SELECT e.exception_id, e.vendor_id, e.vendor_item, e.vendor_uom, e.supplier_id,
               nullif(btrim(e.details->>'description'), '') AS description
        FROM recon_exceptions e
        WHERE e.tenant_id = $1::uuid AND e.rule = 'MISSING_MAPPING' AND e.status = 'open'
          AND (e.suggested_at IS NULL OR e.suggested_at < e.updated_at)
        ORDER BY e.seq
        LIMIT $2::int)sql",
        db::Params().text(tenant_id).integer(static_cast<std::int64_t>(options.max_keys)));
    if (!chosen) {
        return std::move(chosen).error();
    }
    SuggestReport report;
    report.keys = static_cast<std::size_t>(chosen->affected());
    auto added = conn.query("suggesting mappings", R"sql(
        WITH candidates AS (
            SELECT k.vendor_id, k.vendor_item, k.vendor_uom, c.site_id, c.item_bk,
                   CASE WHEN c.part_upper = upper(k.vendor_item)
                        THEN 'supplier_part_exact' ELSE 'supplier_part_normalized' END AS method,
                   CASE WHEN c.part_upper = upper(k.vendor_item) THEN 1.0 ELSE 0.9 END AS confidence
            FROM cs_recon_keys k
            JOIN recon_p21_costs c ON c.tenant_id = $1::uuid AND c.supplier_id = k.supplier_id
                                  AND c.part_norm = cs_norm_part(k.vendor_item)
                                  AND c.active AND c.item_bk IS NOT NULL
            WHERE cs_norm_part(k.vendor_item) <> ''
            UNION ALL
            SELECT k.vendor_id, k.vendor_item, k.vendor_uom, i.site_id, i.item_bk,
                   'item_id_normalized', 0.8
            FROM cs_recon_keys k
            JOIN recon_p21_items i ON i.tenant_id = $1::uuid
                                  AND i.item_norm = cs_norm_part(k.vendor_item) AND NOT i.deleted
            WHERE cs_norm_part(k.vendor_item) <> ''
            UNION ALL
            SELECT k.vendor_id, k.vendor_item, k.vendor_uom, d.site_id, d.item_bk,
                   'description', round(0.7 * d.sim, 3)
            FROM cs_recon_keys k
            CROSS JOIN LATERAL (
                SELECT i.site_id, i.item_bk, similarity(i.item_desc, k.description)::numeric AS sim
                FROM recon_p21_items i
                WHERE i.tenant_id = $1::uuid AND NOT i.deleted AND i.item_desc % k.description
                ORDER BY similarity(i.item_desc, k.description) DESC, i.item_bk
                LIMIT $2::int) d
            WHERE k.description IS NOT NULL
        ), best AS (
            SELECT DISTINCT ON (c.vendor_id, c.vendor_item, c.vendor_uom, c.site_id, c.item_bk)
                   c.*, i.item_id
            FROM candidates c
            JOIN recon_p21_items i ON i.tenant_id = $1::uuid AND i.site_id = c.site_id
                                  AND i.item_bk = c.item_bk
            ORDER BY c.vendor_id, c.vendor_item, c.vendor_uom, c.site_id, c.item_bk,
                     c.confidence DESC
        ), ins AS (
            INSERT INTO recon_mappings AS m (tenant_id, vendor_id, vendor_item, vendor_uom,
                p21_site_id, p21_item_bk, p21_item_id, p21_uom, method, confidence)
            SELECT $1::uuid, vendor_id, vendor_item, vendor_uom, site_id, item_bk, item_id,
                   vendor_uom, method, confidence
            FROM best WHERE item_id IS NOT NULL
            ON CONFLICT (tenant_id, vendor_id, vendor_item, vendor_uom, p21_site_id, p21_item_bk)
            DO UPDATE SET confidence = EXCLUDED.confidence, method = EXCLUDED.method,
                          p21_item_id = EXCLUDED.p21_item_id, updated_at = now()
            WHERE m.status = 'suggested' AND m.confidence < EXCLUDED.confidence
            RETURNING 1)
        SELECT count(*) FROM ins)sql",
                            db::Params().text(tenant_id).integer(options.per_key));
    if (!added) {
        return std::move(added).error();
    }
    report.suggestions = static_cast<std::size_t>(added->integer(0, 0));
    auto marked = conn.query("marking keys suggested", R"sql(
        UPDATE recon_exceptions e SET suggested_at = now(), updated_at = e.updated_at
        FROM cs_recon_keys k WHERE e.tenant_id = $1::uuid AND e.exception_id = k.exception_id)sql",
                             db::Params().text(tenant_id));
    if (!marked) {
        return std::move(marked).error();
    }
    if (auto r = conn.exec("cleaning up", "DROP TABLE pg_temp.cs_recon_keys"); !r) {
        return std::move(r).error();
    }
    if (report.suggestions > 0) {
        if (auto s = sql::mark_inputs_changed(conn, tenant_id); !s) {
            return std::move(s).error();
        }
    }
    if (auto s = unit->commit(); !s) {
        return std::move(s).error();
    }
    return report;
}

json to_json(const MappingView& m) {
    return {{"mapping_id", m.mapping_id},
            {"vendor_id", m.vendor_id},
            {"vendor_item", m.vendor_item},
            {"vendor_uom", m.vendor_uom},
            {"p21_site_id", m.p21_site_id},
            {"p21_item_id", m.p21_item_id},
            {"p21_item_desc", nullable(m.p21_item_desc)},
            {"p21_uom", m.p21_uom},
            {"method", m.method},
            {"confidence", m.confidence},
            {"status", m.status},
            {"note", nullable(m.note)},
            {"decided_by", nullable(m.decided_by)},
            {"decided_at", nullable(m.decided_at)},
            {"created_at", m.created_at},
            {"updated_at", m.updated_at},
            {"vendor_desc", nullable(m.vendor_desc)}};
}

}  // namespace cs::relay::recon

#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"
#include "relay/recon/types.hpp"

namespace cs::relay::recon {

// Vendor item + UOM -> P21 item + UOM: a suggestion, an approved mapping
// (reused by every later run) or a rejected pairing (never auto-applied or
// suggested again). Empty strings stand for null.
struct MappingView {
    std::string mapping_id;
    std::string vendor_id;
    std::string vendor_item;
    std::string vendor_uom;
    std::string p21_site_id;
    std::string p21_item_id;
    std::string p21_item_desc;  // as P21 has it now ("" when the item is gone)
    std::string p21_uom;
    std::string method;  // supplier_part_exact | supplier_part_normalized | item_id_normalized |
                         // description | manual
    std::string confidence;  // 0.000 - 1.000
    std::string status;      // suggested | approved | rejected
    std::string note;
    std::string decided_by;
    std::string decided_at;
    std::string created_at;
    std::string updated_at;
    std::string vendor_desc;  // the vendor's description of the item ("" when unknown)
};

struct MappingFilter {
    std::optional<std::string> status;  // suggested | approved | rejected
    std::optional<std::string> vendor_id;
    std::optional<std::string> vendor_item;
    std::string cursor;
    int limit = 50;
};

// Best first within a vendor key: vendor, vendor item, UOM, then confidence.
Expected<Page<MappingView>> list_mappings(db::Connection& conn, std::string_view tenant_id,
                                          const MappingFilter& filter);
Expected<MappingView> get_mapping(db::Connection& conn, std::string_view tenant_id,
                                  std::string_view mapping_id);

enum class MappingDecision { approve, reject };

// Approves or rejects up to kMaxBulkItems mappings, all or nothing. Approving
// one closes the other candidates of the same vendor key (suggested or
// approved: rejected, the note naming the winner) in the same transaction, and
// lists them in the audit record's `closed_candidates`; approving two of one
// key in one call is a conflict.
Expected<std::vector<AuditRecord>> decide_mappings(db::Connection& conn, std::string_view tenant_id,
                                                   const std::vector<std::string>& mapping_ids,
                                                   MappingDecision decision, const Actor& actor,
                                                   std::string_view note = {});

// Where a vendor key should map: a P21 item by its item_id (on `p21_site_id`
// when the tenant has the item on several sites) and the P21 unit the vendor's
// UOM means (empty: the same code).
struct MappingTarget {
    std::string p21_item_id;
    std::string p21_site_id;
    std::string p21_uom;
};

// Points a mapping's vendor key at `target` and approves that (method manual,
// confidence 1): the mapping itself when the target is its own item, otherwise
// the suggestion is rejected and a manual mapping approved in its place.
Expected<AuditRecord> edit_mapping(db::Connection& conn, std::string_view tenant_id,
                                   std::string_view mapping_id, const MappingTarget& target,
                                   const Actor& actor, std::string_view note = {});

struct VendorKey {
    std::string vendor_id;
    std::string vendor_item;
    std::string vendor_uom;
};
// An approved manual mapping for a vendor key that has no suggestion to edit.
Expected<AuditRecord> create_mapping(db::Connection& conn, std::string_view tenant_id,
                                     const VendorKey& key, const MappingTarget& target,
                                     const Actor& actor, std::string_view note = {});

struct SuggestOptions {
    std::size_t max_keys = 500;  // vendor keys per call: trigram searches cost milliseconds each
    int per_key = 3;             // description candidates kept per key
};
struct SuggestReport {
    std::size_t keys = 0;         // vendor keys looked at
    std::size_t suggestions = 0;  // mapping rows added or raised
};

// Suggests P21 items for the vendor keys of open MISSING_MAPPING exceptions not
// looked at since their exception opened, set-based: the supplier's exact part
// number (1.0; when exact matches are not auto-approved or are ambiguous), its
// normalized part number (0.9), a normalized P21 item id (0.8), and pg_trgm
// description similarity (0.7 x similarity, at least 0.3). The next run names
// the best suggestion in the exception.
Expected<SuggestReport> suggest_mappings(db::Connection& conn, std::string_view tenant_id,
                                         const SuggestOptions& options = {});

nlohmann::json to_json(const MappingView& view);

}  // namespace cs::relay::recon

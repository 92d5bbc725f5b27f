#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "common/decimal/decimal.hpp"
#include "relay/db/connection.hpp"
#include "relay/recon/types.hpp"

namespace cs::relay::recon {

// A tenant's reconciliation policy (recon_policies); a tenant that never set
// one gets these defaults. Tolerances are exact decimals (docs/reconciliation.md
// gives the formulas): abs_tolerance in the P21 currency per P21 cost unit,
// pct_tolerance in percent of the P21 cost; neither set means prices must agree
// exactly.
struct Policy {
    std::optional<Decimal> abs_tolerance;
    std::optional<Decimal> pct_tolerance;
    std::string tolerance_mode = "any";  // any: within one tolerance is enough; all: within each
    Decimal high_severity_pct = Decimal::from_int(10);  // PRICE_MISMATCH at or past: high
    std::string currency = "USD";                       // what P21 costs are in
    bool auto_approve_exact = true;  // exact supplier part number matches map without approval
    bool auto_run = true;            // run after inputs change
    std::optional<int> schedule_minutes = 1440;  // scheduled run interval; nullopt: none
    int settle_seconds = 60;  // quiet time after a change before the automatic run
    std::string updated_at;   // read only
    std::string updated_by;   // read only
};

Expected<Policy> get_policy(db::Connection& conn, std::string_view tenant_id);

// Validates and stores `policy` (the read-only fields are ignored). The audit
// record holds the policy before and after.
Expected<AuditRecord> update_policy(db::Connection& conn, std::string_view tenant_id,
                                    const Policy& policy, const Actor& actor);

// The policy as JSON (decimals as strings, so they stay exact) and back:
// policy_from_json applies the keys present in `patch` to `base` and refuses
// unknown keys and bad values with a message naming the key.
nlohmann::json to_json(const Policy& policy);
Expected<Policy> policy_from_json(const nlohmann::json& patch, Policy base);

// Vendor codes in contract files that differ from P21 supplier ids.
// A vendor code and its link, or a vendor with unmapped lines that has none
// (supplier_id ""): what the vendor links page lists.
struct VendorLink {
    std::string vendor_id;
    std::string supplier_id;        // "" when not linked
    std::string supplier_name;      // the linked P21 supplier's name, "" when unknown
    std::int64_t open_missing = 0;  // open MISSING_MAPPING exceptions of the vendor
    bool supplier_unknown = false;  // some of them found no P21 supplier for the vendor
};
// Linked vendors and vendors with open MISSING_MAPPING exceptions, by vendor id.
Expected<std::vector<VendorLink>> list_vendor_links(db::Connection& conn,
                                                    std::string_view tenant_id);
// Links `vendor_id` (stored upper case) to `supplier_id`; an empty supplier id
// removes the link.
Expected<AuditRecord> set_vendor_link(db::Connection& conn, std::string_view tenant_id,
                                      std::string_view vendor_id, std::string_view supplier_id);

}  // namespace cs::relay::recon

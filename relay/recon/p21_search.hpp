#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

// Searches of the tenant's P21 catalog for the people who fix what a run could
// not match: the P21 item a vendor item is, the P21 supplier a vendor is.
namespace cs::relay::recon {

// Results per search: at most this many, whatever is asked.
inline constexpr int kMaxSearchResults = 100;
// Search text: at most this many bytes.
inline constexpr std::size_t kMaxSearchBytes = 200;

// A P21 item for a mapping dialog. `supplier_part_no` is the part number the
// search matched, when it matched one ("" otherwise); `match` says how:
// item_id | supplier_part | description.
struct P21Item {
    std::string site_id;
    std::string item_id;
    std::string item_desc;
    bool active = true;
    std::string supplier_id;
    std::string supplier_part_no;
    std::string match;
};

// Items whose item id equals `query` once normalized (letters and digits, upper
// case), then items with a supplier part number equal to it once normalized
// (of `supplier_id` only, when given), then descriptions most similar to it.
// Fails with invalid_argument for empty or oversized text or a limit outside
// 1..kMaxSearchResults.
Expected<std::vector<P21Item>> find_p21_items(db::Connection& conn, std::string_view tenant_id,
                                              std::string_view query, int limit = 20,
                                              std::string_view supplier_id = {});

// A P21 supplier for the vendor links page, once per supplier id (across P21
// sites: the active one's name first).
struct P21Supplier {
    std::string supplier_id;
    std::string supplier_name;
    bool active = true;
    std::string match;  // supplier_id | name
};

// Suppliers whose id is `query`, then those whose name contains it (case
// ignored), then names most similar to it. Same limits as find_p21_items.
Expected<std::vector<P21Supplier>> find_p21_suppliers(db::Connection& conn,
                                                      std::string_view tenant_id,
                                                      std::string_view query, int limit = 20);

nlohmann::json to_json(const P21Item& item);
nlohmann::json to_json(const P21Supplier& supplier);

}  // namespace cs::relay::recon

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"

// Vocabulary shared by the reconciliation interface (relay/recon/recon.hpp).
namespace cs::relay::recon {

// The rules a contract line is checked by (docs/reconciliation.md).
enum class Rule {
    missing_mapping,
    uom_mismatch,
    price_mismatch,
    expired_contract,
    not_yet_effective,
    inactive_item,
};
inline constexpr Rule kAllRules[] = {Rule::missing_mapping,   Rule::uom_mismatch,
                                     Rule::price_mismatch,    Rule::expired_contract,
                                     Rule::not_yet_effective, Rule::inactive_item};
// "MISSING_MAPPING", ... as stored and shown.
std::string_view to_string(Rule rule);
Expected<Rule> parse_rule(std::string_view text);

enum class Severity { low = 1, medium = 2, high = 3 };
std::string_view to_string(Severity severity);
Expected<Severity> parse_severity(std::string_view text);

enum class ExceptionStatus { open, resolved, overridden };
std::string_view to_string(ExceptionStatus status);
Expected<ExceptionStatus> parse_exception_status(std::string_view text);

// Who does something: a user (users.user_id) or, with an empty id, the system.
struct Actor {
    std::string user_id;
    bool is_system() const { return user_id.empty(); }
};

// What a mutation changed, for the API's audit log (audit_log.action,
// entity_type, entity_id, before, after). `before` is null for a creation.
struct AuditRecord {
    std::string action;       // e.g. "recon.exception.resolve"
    std::string entity_type;  // e.g. "recon_exception"
    std::string entity_id;
    nlohmann::json before;
    nlohmann::json after;
};

// One page of a keyset-paginated list. `next_cursor` is empty on the last
// page; pass it back unchanged to get the next one.
template <typename T>
struct Page {
    std::vector<T> items;
    std::string next_cursor;
};

// Lists return at most this many items per page, whatever the caller asks.
inline constexpr int kMaxPageSize = 500;

// Limits on text people type into the workflow.
inline constexpr std::size_t kMaxCommentBytes = 4000;
inline constexpr std::size_t kMaxReasonBytes = 1000;
// Items one bulk request may touch.
inline constexpr std::size_t kMaxBulkItems = 1000;

}  // namespace cs::relay::recon

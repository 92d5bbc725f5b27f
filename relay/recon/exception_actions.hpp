#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "common/value/value.hpp"
#include "relay/db/connection.hpp"
#include "relay/recon/exception_filter.hpp"
#include "relay/recon/types.hpp"

// What people do to exceptions (docs/reconciliation.md, "Workflow"): open ->
// resolved (reason) | overridden (accept the variance until a date) -> open
// again by reopen; comment and assign at any time. One exception, a list of
// them, or every exception a filter matches, always all or nothing.
namespace cs::relay::recon {

enum class ActionKind { comment, assign, resolve, override_variance, reopen };
std::string_view to_string(ActionKind kind);

struct ExceptionAction {
    ActionKind kind = ActionKind::comment;
    std::string text;                     // comment body, reason, or reopen note
    std::optional<std::string> assignee;  // assign: a user of the tenant; nullopt unassigns
    std::optional<Date> until;            // override: last day the variance is accepted
};

// {"action": "comment"|"assign"|"resolve"|"override"|"reopen", "text"|"comment"|
// "reason"|"note": "...", "assignee": "<user id>"|null, "until": "YYYY-MM-DD"}.
Expected<ExceptionAction> action_from_json(const nlohmann::json& body);

// Applies one action. Fails with not_found for an unknown exception, conflict
// when the status does not allow it (resolving a resolved exception, ...), and
// invalid_argument for missing or oversized text, an assignee who is not an
// active user of the tenant, or an override date in the past. Records an event;
// returns the before/after summary for the audit log. Resolving keeps the
// exception's fingerprint and numbers: the resolution holds until they change.
Expected<AuditRecord> act_on_exception(db::Connection& conn, std::string_view tenant_id,
                                       std::string_view exception_id, const Actor& actor,
                                       const ExceptionAction& action);
// The same action on up to kMaxBulkItems exceptions, all or nothing.
Expected<std::vector<AuditRecord>> act_on_exceptions(db::Connection& conn,
                                                     std::string_view tenant_id,
                                                     const std::vector<std::string>& exception_ids,
                                                     const Actor& actor,
                                                     const ExceptionAction& action);

// Bulk actions by filter take at most this many exceptions.
inline constexpr std::int64_t kMaxBulkByFilter = 10'000;

// The same action on every exception `filter` matches (its cursor, limit and
// order aside), all or nothing: "select all N matching" across pages. Fails
// with invalid_argument when it matches none, limit_exceeded when it matches
// more than `max` (nothing changes), and conflict when `expected_count` is
// given and the filter now matches another number (the list changed since
// the person saw it).
Expected<std::vector<AuditRecord>> act_on_matching(db::Connection& conn, std::string_view tenant_id,
                                                   const ExceptionFilter& filter,
                                                   std::optional<std::int64_t> expected_count,
                                                   const Actor& actor,
                                                   const ExceptionAction& action,
                                                   std::int64_t max = kMaxBulkByFilter);

}  // namespace cs::relay::recon

#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "relay/db/params.hpp"
#include "relay/recon/types.hpp"

// The exception list's filter, shared by the list, its CSV export, the count
// and bulk actions by filter, so "all N matching" means the same rows in each.
namespace cs::relay::recon {

enum class ExceptionOrder { newest, severity };

// A column of the queue to sort by (docs/reconciliation.md, "The queue"), and
// its direction; ties broken by number in the same direction. Exceptions
// without the value (a rule that has no P21 cost, say) come last either way.
struct ExceptionSort {
    std::string key;  // one of kExceptionSortKeys
    bool descending = true;
};
// number, severity, vendor, item, contract_price, p21_cost, difference,
// difference_pct (these two by size, sign ignored), contract_uom, p21_uom,
// effective_end, first_seen, last_seen.
std::string_view exception_sort_keys();
// "difference_pct" (ascending) or "-difference_pct" (descending); fails with
// invalid_argument naming the known keys.
Expected<ExceptionSort> parse_exception_sort(std::string_view text);

struct ExceptionFilter {
    std::optional<ExceptionStatus> status;
    std::optional<Rule> rule;
    std::optional<Severity> severity;
    std::optional<std::string> vendor_id;
    // A user id, or "none" for unassigned exceptions.
    std::optional<std::string> assignee;
    ExceptionOrder order = ExceptionOrder::newest;
    std::optional<ExceptionSort> sort;  // when set, instead of `order`
    std::string cursor;                 // from the previous page
    int limit = 50;                     // at most kMaxPageSize
};

// Fails with invalid_argument for an assignee that is neither a user id nor "none".
Status validate_filter(const ExceptionFilter& filter);

// The filter as parameters $1..$6 (tenant, status, rule, severity rank,
// vendor, assignee) for filter_where().
db::Params filter_params(std::string_view tenant_id, const ExceptionFilter& filter);

// A WHERE condition on recon_exceptions over filter_params()' $1..$6.
std::string_view filter_where();

}  // namespace cs::relay::recon

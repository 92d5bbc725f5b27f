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

struct ExceptionFilter {
    std::optional<ExceptionStatus> status;
    std::optional<Rule> rule;
    std::optional<Severity> severity;
    std::optional<std::string> vendor_id;
    // A user id, or "none" for unassigned exceptions.
    std::optional<std::string> assignee;
    ExceptionOrder order = ExceptionOrder::newest;
    std::string cursor;  // from the previous page
    int limit = 50;      // at most kMaxPageSize
};

// Fails with invalid_argument for an assignee that is neither a user id nor "none".
Status validate_filter(const ExceptionFilter& filter);

// The filter as parameters $1..$6 (tenant, status, rule, severity rank,
// vendor, assignee) for filter_where().
db::Params filter_params(std::string_view tenant_id, const ExceptionFilter& filter);

// A WHERE condition on recon_exceptions over filter_params()' $1..$6.
std::string_view filter_where();

}  // namespace cs::relay::recon

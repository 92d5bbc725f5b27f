#pragma once

#include <cstdint>
#include <functional>
#include <map>
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

namespace cs::relay::recon {

// One exception as the portal shows it. Empty strings stand for null.
struct ExceptionView {
    std::string exception_id;
    std::int64_t number = 0;  // counted per tenant: short, increasing, for people
    std::string rule;
    std::string severity;
    std::string status;
    std::string vendor_id;
    std::string vendor_name;  // the P21 supplier's name ("" when unknown)
    std::string contract_no;
    std::string vendor_item;
    std::string vendor_uom;
    std::string supplier_id;
    std::string p21_site_id;
    std::string p21_item_id;
    std::string message;
    std::string suggested_action;
    nlohmann::json details;  // the numbers that triggered it
    std::string assignee;
    std::string first_run_id;
    std::string last_run_id;
    std::string first_seen_at;
    std::string last_seen_at;
    std::string resolved_at;
    std::string resolved_by;
    std::string resolution_kind;  // manual | auto
    std::string resolution;
    std::string override_until;  // YYYY-MM-DD
    std::string override_reason;
    std::string overridden_by;
    std::string overridden_at;
    std::string updated_at;
};

// Filtered, keyset-paginated: newest first (by number), by severity then
// newest, or by any column of ExceptionFilter::sort; the cursor is only good
// for the sort it came from.
Expected<Page<ExceptionView>> list_exceptions(db::Connection& conn, std::string_view tenant_id,
                                              const ExceptionFilter& filter);
// How many exceptions the filter matches (its cursor, limit and order aside).
Expected<std::int64_t> count_exceptions(db::Connection& conn, std::string_view tenant_id,
                                        const ExceptionFilter& filter);
Expected<ExceptionView> get_exception(db::Connection& conn, std::string_view tenant_id,
                                      std::string_view exception_id);

// Counts for a dashboard: every exception by status; open ones by rule and by
// severity (each rule and severity present, zero included).
struct ExceptionSummary {
    std::map<std::string, std::int64_t> by_status;
    std::map<std::string, std::int64_t> by_rule;      // open
    std::map<std::string, std::int64_t> by_severity;  // open
};
Expected<ExceptionSummary> exception_summary(db::Connection& conn, std::string_view tenant_id);
nlohmann::json to_json(const ExceptionSummary& summary);

// An exception's history: opened, reopened, auto_resolved, override_ended (by
// runs) and comment, assigned, resolved, overridden, manual_reopen (by people).
// A run's reopened and override_ended events say why in `note` and list the
// numbers that changed in `details.changes` ({field, from, to, source}).
struct ExceptionEvent {
    std::int64_t event_id = 0;
    std::string kind;
    std::string actor_id;  // empty: the system
    std::string run_id;
    std::string note;
    nlohmann::json details;
    std::string at;
};
Expected<std::vector<ExceptionEvent>> exception_events(db::Connection& conn,
                                                       std::string_view tenant_id,
                                                       std::string_view exception_id);

// Streams the filtered exceptions (cursor and limit ignored) as CSV with a
// header row to `sink`, a few hundred rows per call, in the list's order. Cells
// that a spreadsheet would run as a formula (=, +, -, @) are prefixed with '.
// Fails with limit_exceeded past `max_rows` (nothing more is written).
Status export_exceptions_csv(db::Connection& conn, std::string_view tenant_id,
                             const ExceptionFilter& filter,
                             const std::function<Status(std::string_view)>& sink,
                             std::size_t max_rows = 1'000'000);

nlohmann::json to_json(const ExceptionView& view);
nlohmann::json to_json(const ExceptionEvent& event);

}  // namespace cs::relay::recon

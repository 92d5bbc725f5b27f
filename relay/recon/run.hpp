#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "common/value/value.hpp"
#include "relay/db/connection.hpp"
#include "relay/recon/types.hpp"

namespace cs::relay::recon {

// fix: a person's fix (a vendor link, an item mapping) re-evaluating the lines
// it concerns.
enum class Trigger { manual, scheduled, automatic, fix };
std::string_view to_string(Trigger trigger);

// Contract lines a run is limited to: a vendor's, or one vendor item's (of one
// UOM when given). Empty strings stand for any.
struct LineScope {
    std::string vendor_id;
    std::string vendor_item;
    std::string vendor_uom;
};

struct RunOptions {
    Trigger trigger = Trigger::manual;
    Actor requested_by;
    // The day effective dates are judged on; default today in UTC.
    std::optional<Date> as_of;
    // Only these lines (empty: every line of the tenant). A limited run
    // re-evaluates and auto-resolves only their exceptions, and does not count
    // as the tenant's last run: the scheduler still runs everything later.
    std::vector<LineScope> scope;
};

// What a run found and did. Counts of lines are distinct contract lines
// (vendor, contract, vendor item, UOM) after uploads and synced lines are merged.
struct RunSummary {
    std::string run_id;
    std::string trigger;
    std::string status;  // running | succeeded | failed
    std::string as_of;   // YYYY-MM-DD
    std::string requested_by;
    std::string started_at;
    std::string finished_at;
    std::string error;
    std::int64_t lines = 0;
    std::int64_t lines_invalid = 0;  // synced lines without vendor, item or a price
    std::int64_t lines_mapped = 0;   // with a P21 item (approved mapping or exact part number)
    std::map<std::string, std::int64_t> findings;  // rule -> lines it holds for
    std::int64_t opened = 0;                       // new exceptions
    std::int64_t reopened = 0;  // resolved by a run, or by a person with other numbers: true again
    std::int64_t still_open = 0;      // open before and still true
    std::int64_t still_resolved = 0;  // resolved by a person, found again with the same numbers
    std::int64_t overridden = 0;      // true, but an override accepts it
    std::int64_t override_ended = 0;  // override expired or its numbers changed: open again
    std::int64_t auto_resolved = 0;   // condition cleared: resolved with a note
    std::int64_t open_after = 0;      // open exceptions of the tenant after the run
    std::map<std::string, double> step_seconds;  // time spent in each statement of the run
    nlohmann::json scope;                        // the LineScopes of a limited run, or null
};

// Reconciles every contract line of the tenant against its synced P21 data,
// set-based (docs/reconciliation.md): resolves suppliers and items, evaluates
// the rules, then merges the findings into recon_exceptions so an exception
// still true keeps its identity, one whose condition cleared is resolved with a
// note, a person's resolution holds until the exception's numbers change, one
// resolved by a run that is true again is reopened (a reopen says what
// changed), and an override is honoured until its date unless its numbers
// changed. Works as the owner (the
// scheduler) and inside an API transaction as contractsync_tenant (a savepoint
// then; the caller commits). Fails with `conflict` while another run of the
// tenant holds its lock.
Expected<RunSummary> run(db::Connection& conn, std::string_view tenant_id,
                         const RunOptions& options = {});

// A run of trigger fix over `scope` inside the caller's transaction, after a
// fix. A run of the tenant already in progress is no error: the fix stands
// and that run or the next one evaluates it; the result is then nullopt.
Expected<std::optional<RunSummary>> reevaluate(db::Connection& conn, std::string_view tenant_id,
                                               std::vector<LineScope> scope, const Actor& actor);

Expected<RunSummary> get_run(db::Connection& conn, std::string_view tenant_id,
                             std::string_view run_id);
// Newest first.
Expected<Page<RunSummary>> list_runs(db::Connection& conn, std::string_view tenant_id,
                                     std::string_view cursor, int limit);

nlohmann::json to_json(const RunSummary& run);

}  // namespace cs::relay::recon

#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"
#include "relay/recon/mappings.hpp"
#include "relay/recon/run.hpp"

namespace cs::relay::recon {

// The entities whose changes make a tenant's reconciliation stale.
inline constexpr std::string_view kInputEntities[] = {"contract_lines", "inv_mast", "item_uom",
                                                      "inventory_supplier", "supplier"};

struct SchedulerOptions {
    std::chrono::seconds first_lookback{3600};  // how far back the first scan looks
    // Each scan re-reads this much before the previous one: an apply is stamped
    // with its transaction's start and may commit later.
    std::chrono::seconds overlap{600};
    std::size_t max_runs_per_tick = 20;
    // A failed run of a tenant with auto_run is tried again after retry_base,
    // doubling with each failure in a row, at most retry_max later.
    std::chrono::milliseconds retry_base{60'000};
    std::chrono::milliseconds retry_max{6LL * 3'600'000};
    SuggestOptions suggest;
};

struct TickReport {
    std::size_t tenants_marked = 0;   // tenants whose inputs changed since the last scan
    std::vector<RunSummary> runs;     // runs made (automatic or scheduled)
    std::vector<std::string> errors;  // runs that failed or were busy, one line each
};

// How long after its `failures`-th failed run in a row a tenant with auto_run
// is tried again: `base`, doubled for each earlier failure, at most `max`
// (0 for no failure).
std::chrono::milliseconds retry_delay(int failures, std::chrono::milliseconds base,
                                      std::chrono::milliseconds max);

// A tenant whose run is due now, and why.
struct DueRun {
    std::string tenant_id;
    Trigger trigger = Trigger::automatic;
};

// What the scheduler knows of a tenant, for the portal: the last run, failures
// in a row and when it will try again.
struct ReconState {
    std::string last_run_id;
    std::string last_run_at;
    std::string last_attempt_at;
    int failures = 0;  // failed runs in a row
    std::string last_error;
    // When the scheduler will run next at the earliest: after a failure the
    // backoff (auto_run) or the next scheduled run; otherwise the next
    // scheduled run. Empty: not before inputs change (or never, for a failing
    // tenant without auto_run or schedule: a person runs it).
    std::string next_attempt_at;
    bool auto_run = true;
};
nlohmann::json to_json(const ReconState& state);

// The tenant's scheduling state (nullopt-like defaults when it never ran).
Expected<ReconState> get_state(db::Connection& conn, std::string_view tenant_id);

// Decides when tenants are reconciled without anyone asking: after their inputs
// change (P21 or contract rows applied from agents, found in the apply ledger;
// uploads, mappings and policy changes, marked by those functions) once the
// tenant's settle time has passed, and every schedule_minutes. One instance per
// relay process; several relay instances may tick concurrently (a tenant's run
// lock keeps their runs apart). Needs the owner connection (no tenant role).
class Scheduler {
public:
    explicit Scheduler(SchedulerOptions options = {}) : options_(options) {}

    // Scans the ledger for changed inputs and lists the tenants due now, the
    // longest-waiting first. Not thread-safe (it remembers how far it scanned).
    Expected<std::vector<DueRun>> due(db::Connection& conn, TickReport& report);
    // Runs one due tenant, then suggests mappings for what it found unmapped.
    // A failure is recorded with the tenant's next attempt, unless `stopping`
    // says the run was cancelled because the relay is stopping (it is no
    // failure of the run: the next start runs it again). Thread-safe: the
    // relay runs several tenants at once, each on its own connection.
    void run_due(db::Connection& conn, const DueRun& due, TickReport& report,
                 const std::function<bool()>& stopping = {}) const;
    // due() and run_due() for each, one tenant after the other.
    Expected<TickReport> tick(db::Connection& conn);

private:
    Status scan_ledger(db::Connection& conn, TickReport& report);

    SchedulerOptions options_;
    std::string scanned_through_;  // timestamptz text; empty before the first scan
};

}  // namespace cs::relay::recon

#pragma once

#include <chrono>
#include <cstddef>
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
    SuggestOptions suggest;
};

struct TickReport {
    std::size_t tenants_marked = 0;   // tenants whose inputs changed since the last scan
    std::vector<RunSummary> runs;     // runs made (automatic or scheduled)
    std::vector<std::string> errors;  // runs that failed or were busy, one line each
};

// Decides when tenants are reconciled without anyone asking: after their inputs
// change (P21 or contract rows applied from agents, found in the apply ledger;
// uploads, mappings and policy changes, marked by those functions) once the
// tenant's settle time has passed, and every schedule_minutes. One instance per
// relay process; several relay instances may tick concurrently (a tenant's run
// lock keeps their runs apart). Needs the owner connection (no tenant role).
class Scheduler {
public:
    explicit Scheduler(SchedulerOptions options = {}) : options_(options) {}

    Expected<TickReport> tick(db::Connection& conn);

private:
    Status scan_ledger(db::Connection& conn, TickReport& report);

    SchedulerOptions options_;
    std::string scanned_through_;  // timestamptz text; empty before the first scan
};

}  // namespace cs::relay::recon

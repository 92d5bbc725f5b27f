#include "agent/cli/report.hpp"

#include <fmt/format.h>

#include "agent/cli/command.hpp"

namespace cs::agent {

int print_report(const SyncReport& report) {
    for (const auto& note : report.notes) {
        fmt::print("{}\n", note);
    }
    for (const auto& r : report.runs) {
        fmt::print(
            "{} {} {}: {} fetched, {} inserted, {} updated, {} deleted, {} unchanged, {} "
            "failed ({:.1f}% ok) in {:.2f}s{}{}\n",
            r.entity, r.source, to_string(r.status), r.counts.fetched, r.counts.inserted,
            r.counts.updated, r.counts.deleted, r.counts.skipped, r.counts.failed,
            r.counts.success_rate() * 100, static_cast<double>(r.durations.total_us) / 1e6,
            r.error.empty() ? "" : "\n  " + r.error, r.note.empty() ? "" : "\n  " + r.note);
    }
    return report.problems() ? kExitRunProblem : kExitOk;
}

int retry_failed_rows(const AgentConfig& config, StateDb& store, const std::string& entity,
                      std::int64_t id) {
    auto report = retry_failed(config, store, entity, id);
    if (!report) {
        return fail(report.error());
    }
    if (report->runs.empty() && report->notes.empty()) {
        fmt::print("no failed rows to retry\n");
    }
    return print_report(*report);
}

}  // namespace cs::agent

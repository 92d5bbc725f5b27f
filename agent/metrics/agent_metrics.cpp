#include "agent/metrics/agent_metrics.hpp"

#include <fmt/format.h>

#include "common/net/prometheus_text.hpp"

namespace cs::agent::metrics {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += fmt::format("# HELP contractsync_agent_{} {}\n# TYPE contractsync_agent_{} {}\n", name,
                       help, name, type);
}

void sample(std::string& out, std::string_view name, const std::string& labels, double value) {
    out += fmt::format("contractsync_agent_{}{}{}{} {}\n", name, labels.empty() ? "" : "{", labels,
                       labels.empty() ? "" : "}", net::format_sample_value(value));
}

std::string label(std::string_view name, const std::string& value) {
    return fmt::format("{}=\"{}\"", name, net::escape_label_value(value));
}

}  // namespace

void RunCounters::record(const RunRecord& run) {
    std::lock_guard lock(mutex_);
    ++totals_.runs[{run.entity, std::string(to_string(run.status))}];
    const auto& c = run.counts;
    std::pair<const char*, std::int64_t> stages[] = {
        {"fetched", c.fetched},     {"normalized", c.normalized}, {"mapped", c.mapped},
        {"validated", c.validated}, {"inserted", c.inserted},     {"updated", c.updated},
        {"deleted", c.deleted},     {"skipped", c.skipped},       {"failed", c.failed}};
    for (const auto& [stage, rows] : stages) {
        totals_.rows[{run.entity, stage}] += rows;
    }
}

RunCounters::Totals RunCounters::totals() const {
    std::lock_guard lock(mutex_);
    return totals_;
}

std::string render(const AgentMetrics& m) {
    std::string out;
    family(out, "build_info", "gauge", "The running agent's version (always 1).");
    sample(out, "build_info", label("version", m.version), 1);
    family(out, "uptime_seconds", "gauge", "Seconds since the service started.");
    sample(out, "uptime_seconds", "", m.uptime_seconds);

    family(out, "outbox_depth", "gauge", "Change sets waiting in the outbox for the relay.");
    sample(out, "outbox_depth", "", static_cast<double>(m.outbox.depth));
    family(out, "outbox_bytes", "gauge", "Compressed bytes waiting in the outbox.");
    sample(out, "outbox_bytes", "", static_cast<double>(m.outbox.bytes));
    family(out, "outbox_rows", "gauge", "Rows in the change sets waiting in the outbox.");
    sample(out, "outbox_rows", "", static_cast<double>(m.outbox.rows));
    family(out, "outbox_oldest_age_seconds", "gauge",
           "Age of the oldest change set waiting in the outbox (0 when empty).");
    sample(out, "outbox_oldest_age_seconds", "", m.oldest_age_seconds);
    family(out, "outbox_quarantined", "gauge", "Change sets the relay rejected, kept aside.");
    sample(out, "outbox_quarantined", "", static_cast<double>(m.outbox.quarantined));

    family(out, "failed_rows", "gauge", "Rows in the failed-rows store, by entity.");
    for (const auto& [entity, rows] : m.failed_rows) {
        sample(out, "failed_rows", label("entity", entity), static_cast<double>(rows));
    }
    family(out, "runs_total", "counter",
           "Pipeline runs finished since start, by entity and status.");
    for (const auto& [key, runs] : m.totals.runs) {
        sample(out, "runs_total", label("entity", key.first) + "," + label("status", key.second),
               static_cast<double>(runs));
    }
    family(out, "rows_total", "counter",
           "Rows counted at each pipeline stage since start, by entity and stage.");
    for (const auto& [key, rows] : m.totals.rows) {
        sample(out, "rows_total", label("entity", key.first) + "," + label("stage", key.second),
               static_cast<double>(rows));
    }

    if (m.link) {
        const auto& link = *m.link;
        family(out, "relay_connected", "gauge", "1 while the relay session is up.");
        sample(out, "relay_connected", "", link.state == ship::LinkState::connected ? 1 : 0);
        family(out, "relay_state", "gauge", "The uplink's state: 1 for the current one.");
        for (auto state : {ship::LinkState::connecting, ship::LinkState::connected,
                           ship::LinkState::waiting, ship::LinkState::stopped}) {
            sample(out, "relay_state", label("state", std::string(to_string(state))),
                   link.state == state ? 1 : 0);
        }
        family(out, "relay_consecutive_failures", "gauge",
               "Connection attempts that failed in a row (0 once connected).");
        sample(out, "relay_consecutive_failures", "", link.consecutive_failures);
        family(out, "relay_sessions_total", "counter", "Relay sessions opened since start.");
        sample(out, "relay_sessions_total", "", static_cast<double>(link.sessions));
        family(out, "relay_change_sets_total", "counter",
               "Change sets sent to the relay since start, and how the relay answered.");
        std::pair<const char*, std::int64_t> results[] = {{"sent", link.sent},
                                                          {"applied", link.applied},
                                                          {"duplicate", link.duplicates},
                                                          {"rejected", link.rejected}};
        for (const auto& [result, n] : results) {
            sample(out, "relay_change_sets_total", label("result", result), static_cast<double>(n));
        }
    }
    return out;
}

}  // namespace cs::agent::metrics

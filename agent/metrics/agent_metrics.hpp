#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "agent/outbox/outbox.hpp"
#include "agent/ship/uplink_status.hpp"
#include "agent/track/run_record.hpp"

namespace cs::agent::metrics {

// Runs and rows this process has seen finish, for the *_total counters
// (Prometheus counters start again at zero when the agent restarts).
// Recorded on the service loop's thread, read on the metrics server's.
class RunCounters {
public:
    void record(const RunRecord& run);

    struct Totals {
        std::map<std::pair<std::string, std::string>, std::int64_t> runs;  // (entity, status)
        std::map<std::pair<std::string, std::string>, std::int64_t> rows;  // (entity, stage)
    };
    Totals totals() const;

private:
    mutable std::mutex mutex_;
    Totals totals_;
};

// Everything one scrape shows, gathered when it arrives.
struct AgentMetrics {
    std::string version;
    double uptime_seconds = 0;
    OutboxStats outbox;
    double oldest_age_seconds = 0;                    // 0 when the outbox is empty
    std::map<std::string, std::int64_t> failed_rows;  // entity -> rows waiting for a retry
    RunCounters::Totals totals;
    std::optional<ship::UplinkStatus> link;  // none: no relay configured
};

// The Prometheus text exposition format (version 0.0.4), every name
// prefixed contractsync_agent_.
std::string render(const AgentMetrics& metrics);

}  // namespace cs::agent::metrics

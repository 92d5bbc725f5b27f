#pragma once

#include <chrono>
#include <cstdint>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::apply {

struct RetentionPolicy {
    std::chrono::milliseconds change_log;
    std::chrono::milliseconds applied_change_sets;
    std::chrono::milliseconds events;
    // Login attempts only matter inside the throttling window; ended sessions
    // and delivered webhooks are kept a week for investigations.
    std::chrono::milliseconds login_attempts{86'400'000};
    std::chrono::milliseconds ended_sessions{7LL * 86'400'000};
    // Heartbeat history, for the portal's heartbeat chart.
    std::chrono::milliseconds heartbeats{14LL * 86'400'000};
    // Sync run reports; each entity's newest run is kept whatever its age.
    std::chrono::milliseconds sync_runs{90LL * 86'400'000};
    std::size_t batch_rows = 50'000;  // per DELETE, so no statement runs for long
};

struct RetentionReport {
    std::uint64_t change_log = 0;
    std::uint64_t applied_change_sets = 0;
    std::uint64_t events = 0;
    std::uint64_t accounts = 0;  // login attempts, ended sessions, delivered webhooks
    std::uint64_t heartbeats = 0;
    std::uint64_t sync_runs = 0;
    std::uint64_t total() const {
        return change_log + applied_change_sets + events + accounts + heartbeats + sync_runs;
    }
};

// Deletes what is older than the policy allows. Pruned ledger entries advance
// streams.pruned_through in the same transaction, so a very late resend of a
// pruned sequence is still recognised as a duplicate and never re-applied.
Expected<RetentionReport> prune(db::Connection& conn, const RetentionPolicy& policy);

}  // namespace cs::relay::apply

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace cs::relay::apply {

// Runs `job` every `interval` on its own thread until stopped (the pruning job;
// a slow run delays the next one instead of overlapping it).
class PeriodicWorker {
public:
    PeriodicWorker(std::chrono::milliseconds interval, std::function<void()> job);
    ~PeriodicWorker();
    PeriodicWorker(const PeriodicWorker&) = delete;
    PeriodicWorker& operator=(const PeriodicWorker&) = delete;
    void stop();

private:
    std::chrono::milliseconds interval_;
    std::function<void()> job_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace cs::relay::apply

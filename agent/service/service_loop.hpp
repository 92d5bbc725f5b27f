#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "agent/config/agent_config.hpp"
#include "agent/metrics/agent_metrics.hpp"
#include "agent/platform/shutdown.hpp"
#include "agent/schedule/scheduler.hpp"
#include "agent/ship/relay_command.hpp"
#include "agent/ship/uplink.hpp"
#include "agent/store/state_db.hpp"
#include "agent/sync/sync_runner.hpp"
#include "common/service/service_notifier.hpp"

namespace cs::agent {

// "2 sources, 3 entities": how the log and the service manager describe a config.
std::string describe_service(const AgentConfig& config);

// The service's one worker: it runs one job at a time, relay commands first
// (someone waits for them), then the source whose entities are due
// (agent/schedule/: per-entity intervals and daily windows). A running read
// yields between pages when a command arrives or its window closes, and
// continues later from its cursor; a stop request ends it between pages.
// Threading: run() and restore() on the loop's thread, which alone uses the
// store; handle() on the uplink's thread and request_reload() on any thread
// only queue work for it.
class ServiceLoop final : public ship::CommandHandler {
public:
    ServiceLoop(AgentConfig config, StateDb& store, platform::Shutdown& shutdown,
                const service::ServiceNotifier& notifier, bool log_level_given,
                std::string log_level, metrics::RunCounters& counters);

    // Picks up where the last process left off: intervals count from the last
    // recorded run, and reads that stopped halfway are due at once.
    Status restore();

    // Uplink thread: queue the command and return at once.
    void handle(const ship::RelayCommand& command,
                std::function<void(ship::CommandResult)> reply) override;

    // Any thread (the SIGHUP watcher): the loop re-reads the config between jobs.
    void request_reload();

    // Serves until a stop is requested.
    void run(ship::Uplink& uplink);

private:
    struct Pending {
        ship::RelayCommand command;
        std::function<void(ship::CommandResult)> reply;
    };

    bool take_reload();
    void reload();
    std::optional<Pending> next_command();
    bool command_waiting();
    Expected<SyncReport> run_job(const schedule::Job& job, ship::Uplink& uplink, bool full);
    void run_now(const ship::RelayCommand& command, ship::Uplink& uplink,
                 ship::CommandResult& result);
    void retry(const ship::RelayCommand& command, ship::Uplink& uplink,
               ship::CommandResult& result);
    void execute(Pending& pending, ship::Uplink& uplink);

    AgentConfig config_;
    StateDb& store_;
    metrics::RunCounters& counters_;
    platform::Shutdown& shutdown_;
    const service::ServiceNotifier& notifier_;
    bool log_level_given_;
    std::string log_level_;
    schedule::Scheduler scheduler_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Pending> commands_;
    bool reload_ = false;
};

}  // namespace cs::agent

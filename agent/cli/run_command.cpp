// `contractsync-agent run`: the service loop in the foreground. The uplink
// ships on its own thread; this thread runs one job at a time: relay commands
// first (someone waits for them), then each folder source when its poll
// interval comes round. A stop request lets the running job finish its
// current commit, closes the relay session with 1000 and exits 0.
#include <condition_variable>
#include <deque>
#include <mutex>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "agent/cli/command.hpp"
#include "agent/platform/shutdown.hpp"
#include "agent/ship/setup/uplink_setup.hpp"
#include "agent/ship/uplink.hpp"
#include "agent/sync/sync_runner.hpp"
#include "common/version/version.hpp"

namespace cs::agent {
namespace {

using Clock = std::chrono::steady_clock;

// What one folder source needs from the scheduler.
struct SourceSchedule {
    std::string source;
    std::vector<std::string> entities;  // in config (dependency) order
    std::chrono::milliseconds poll;
    Clock::time_point next;
};

std::string summarize(const SyncReport& report) {
    std::string text;
    for (const auto& run : report.runs) {
        if (!text.empty()) {
            text += "; ";
        }
        text += fmt::format("{} {}: {} fetched, {} inserted, {} updated, {} deleted, {} failed{}",
                            run.entity, to_string(run.status), run.counts.fetched,
                            run.counts.inserted, run.counts.updated, run.counts.deleted,
                            run.counts.failed, run.error.empty() ? "" : " (" + run.error + ")");
    }
    for (const auto& note : report.notes) {
        text += (text.empty() ? "" : "; ") + note;
    }
    return text.empty() ? "nothing to do" : text;
}

class ServiceLoop final : public ship::CommandHandler {
public:
    ServiceLoop(const AgentConfig& config, StateDb& store, platform::Shutdown& shutdown)
        : config_(config), store_(store), shutdown_(shutdown) {
        shutdown_.on_request([this] {
            std::lock_guard lock(mutex_);
            wake_.notify_all();
        });
        for (const auto& source : config_.sources) {
            SourceSchedule schedule{
                source.name, {}, std::get<FolderSourceConfig>(source.settings).poll, Clock::now()};
            for (const auto& entity : config_.entities) {
                if (entity.source == source.name) {
                    schedule.entities.push_back(entity.name);
                }
            }
            if (!schedule.entities.empty()) {
                schedules_.push_back(std::move(schedule));
            }
        }
    }

    // Uplink thread: queue the command and return at once.
    void handle(const ship::RelayCommand& command,
                std::function<void(ship::CommandResult)> reply) override {
        std::lock_guard lock(mutex_);
        commands_.push_back({command, std::move(reply)});
        wake_.notify_all();
    }

    void run(ship::Uplink& uplink) {
        while (!shutdown_.requested()) {
            if (auto pending = next_command()) {
                execute(*pending, uplink);
                continue;
            }
            auto due =
                std::min_element(schedules_.begin(), schedules_.end(),
                                 [](const auto& a, const auto& b) { return a.next < b.next; });
            if (due != schedules_.end() && due->next <= Clock::now()) {
                poll(*due, uplink);
                due->next = Clock::now() + due->poll;
                continue;
            }
            std::unique_lock lock(mutex_);
            auto until = due == schedules_.end() ? Clock::now() + std::chrono::hours(1) : due->next;
            wake_.wait_until(lock, until,
                             [this] { return !commands_.empty() || shutdown_.requested(); });
        }
    }

private:
    struct Pending {
        ship::RelayCommand command;
        std::function<void(ship::CommandResult)> reply;
    };

    std::optional<Pending> next_command() {
        std::lock_guard lock(mutex_);
        if (commands_.empty()) {
            return std::nullopt;
        }
        auto pending = std::move(commands_.front());
        commands_.pop_front();
        return pending;
    }

    void poll(const SourceSchedule& schedule, ship::Uplink& uplink) {
        SyncOptions options;
        options.entities = schedule.entities;
        options.stop = &shutdown_.flag();
        auto report = sync_entities(config_, store_, options);
        if (!report) {
            // The loop keeps serving: the next poll may find the cause gone.
            spdlog::error("source {}: {}", schedule.source, report.error().message);
            return;
        }
        if (!report->runs.empty()) {
            auto level = report->problems() ? spdlog::level::warn : spdlog::level::info;
            spdlog::log(level, "source {}: {}", schedule.source, summarize(*report));
            uplink.notify_outbox();
        }
    }

    void execute(Pending& pending, ship::Uplink& uplink) {
        const auto& command = pending.command;
        ship::CommandResult result{command.id, false, {}, {}};
        if (!command.entity.empty() && config_.find_entity(command.entity) == nullptr) {
            result.message =
                fmt::format("entity '{}' is not configured on this agent", command.entity);
            pending.reply(std::move(result));
            return;
        }
        Expected<SyncReport> report = SyncReport{};
        if (command.command == "retry_failed") {
            report = retry_failed(config_, store_, command.entity, 0);
        } else {
            SyncOptions options;
            if (!command.entity.empty()) {
                options.entities = {command.entity};
            }
            options.full = command.command == "full_resync";
            options.stop = &shutdown_.flag();
            report = sync_entities(config_, store_, options);
        }
        if (!report) {
            result.message = report.error().message;
        } else {
            result.ok = !report->problems();
            result.message = summarize(*report);
            if (!report->runs.empty()) {
                result.run_id = report->runs.front().run_id;
            }
            uplink.notify_outbox();
        }
        spdlog::info("relay command {} ({}) {}: {}", command.id, command.command,
                     result.ok ? "done" : "failed", result.message);
        pending.reply(std::move(result));
    }

    const AgentConfig& config_;
    StateDb& store_;
    platform::Shutdown& shutdown_;
    std::vector<SourceSchedule> schedules_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Pending> commands_;
};

int run(const CommandContext& ctx, bool log_level_given) {
    auto config = ctx.load_config();
    if (!config) {
        return fail(config.error());
    }
    // A service logs where its config says (file, JSON); the command line may
    // still choose the level.
    log::Options log_options = config->log;
    if (log_level_given) {
        log_options.level = ctx.log_level;
    }
    if (auto st = log::init(log_options); !st) {
        return fail(st.error());
    }
    // Ctrl+C and SIGTERM become a clean stop from here on.
    platform::Shutdown shutdown;
    auto signals = platform::StopRequests::watch(shutdown);
    if (!signals) {
        return fail(signals.error());
    }
    auto store = CommandContext::open_store(*config);
    if (!store) {
        return fail(store.error());
    }
    if (auto st = RunStore(store->db()).close_interrupted(now_micros()); !st) {
        return fail(st.error());
    }
    auto options = ship::uplink_options(*config);
    if (!options) {
        return fail(options.error());
    }
    ServiceLoop loop(*config, *store, shutdown);
    auto uplink = ship::Uplink::start(std::move(*options), &loop);
    if (!uplink) {
        return fail(uplink.error());
    }
    spdlog::info("contractsync-agent {} running: {} source{}, {} entit{}", cs::version(),
                 config->sources.size(), config->sources.size() == 1 ? "" : "s",
                 config->entities.size(), config->entities.size() == 1 ? "y" : "ies");
    loop.run(**uplink);
    spdlog::info("stopping ({})", shutdown.reason());
    (*uplink)->stop();
    return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "run",
        "Run the agent in the foreground: sync every source on its poll interval, ship "
        "the outbox to the relay and answer its commands until SIGINT/SIGTERM");
    add_config_option(*sub, ctx);
    sub->callback([&ctx, &runner, sub] {
        bool level_given = sub->get_option("--log-level")->count() > 0;
        runner = [&ctx, level_given] { return run(ctx, level_given); };
    });
}

}  // namespace cs::agent

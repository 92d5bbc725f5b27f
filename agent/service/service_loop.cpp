#include "agent/service/service_loop.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <date/date.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "agent/platform/system_log.hpp"
#include "agent/track/run_record.hpp"
#include "common/log/log.hpp"

extern char** environ;

namespace cs::agent {
namespace {

using schedule::TimePoint;

TimePoint wall_now() {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
}

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

std::vector<schedule::EntitySchedule> entity_schedules(const AgentConfig& config) {
    std::vector<schedule::EntitySchedule> out;
    for (const auto& entity : config.entities) {
        const SourceConfig* source = config.find_source(entity.source);
        auto every = entity.schedule.every.value_or(source_poll(*source));
        out.push_back({entity.name, entity.source,
                       std::chrono::duration_cast<std::chrono::microseconds>(every),
                       entity.schedule.window});
    }
    return out;
}

bool same_relay(const std::optional<RelayConfig>& a, const std::optional<RelayConfig>& b) {
    if (!a || !b) {
        return !a && !b;
    }
    return a->url == b->url && a->site_key.kind == b->site_key.kind &&
           a->site_key.name == b->site_key.name && a->ca_file == b->ca_file &&
           a->proxy == b->proxy && a->window == b->window;
}

}  // namespace

std::string describe_service(const AgentConfig& config) {
    return fmt::format("{} source{}, {} entit{}", config.sources.size(),
                       config.sources.size() == 1 ? "" : "s", config.entities.size(),
                       config.entities.size() == 1 ? "y" : "ies");
}

ServiceLoop::ServiceLoop(AgentConfig config, StateDb& store, platform::Shutdown& shutdown,
                         const service::ServiceNotifier& notifier, bool log_level_given,
                         std::string log_level, metrics::RunCounters& counters)
    : config_(std::move(config)),
      store_(store),
      counters_(counters),
      shutdown_(shutdown),
      notifier_(notifier),
      log_level_given_(log_level_given),
      log_level_(std::move(log_level)),
      scheduler_(entity_schedules(config_)) {
    shutdown_.on_request([this] {
        std::lock_guard lock(mutex_);
        wake_.notify_all();
    });
}

Status ServiceLoop::restore() {
    auto latest = RunStore(store_.db()).latest_per_entity();
    if (!latest) {
        return std::move(latest).error();
    }
    for (const auto& run : *latest) {
        scheduler_.set_last_start(run.entity, TimePoint(std::chrono::microseconds(run.started_at)));
    }
    for (const auto& entity : config_.entities) {
        auto record = store_.find_entity(entity.name);
        if (!record) {
            return std::move(record).error();
        }
        if (*record && (*record)->cursor) {
            scheduler_.mark_unfinished(entity.name);
        }
    }
    return ok();
}

void ServiceLoop::handle(const ship::RelayCommand& command,
                         std::function<void(ship::CommandResult)> reply) {
    std::lock_guard lock(mutex_);
    commands_.push_back({command, std::move(reply)});
    wake_.notify_all();
}

void ServiceLoop::request_reload() {
    std::lock_guard lock(mutex_);
    reload_ = true;
    wake_.notify_all();
}

void ServiceLoop::run(ship::Uplink& uplink) {
    while (!shutdown_.requested()) {
        if (take_reload()) {
            reload();
            continue;
        }
        if (auto pending = next_command()) {
            execute(*pending, uplink);
            continue;
        }
        TimePoint now = wall_now();
        if (auto job = scheduler_.next_job(now)) {
            (void)run_job(*job, uplink, false);  // logged there; the loop goes on
            continue;
        }
        auto wake = scheduler_.next_wake(now).value_or(now + std::chrono::hours(1));
        // The wall clock can jump (NTP, DST does not matter: instants are UTC):
        // never sleep more than a minute without looking again.
        auto sleep = std::clamp<std::chrono::microseconds>(wake - now, std::chrono::milliseconds(1),
                                                           std::chrono::minutes(1));
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, sleep,
                       [this] { return !commands_.empty() || reload_ || shutdown_.requested(); });
    }
}

bool ServiceLoop::take_reload() {
    std::lock_guard lock(mutex_);
    return std::exchange(reload_, false);
}

// SIGHUP: a config that does not load is logged and the running one kept.
// What the uplink and the store were started with stays until a restart.
void ServiceLoop::reload() {
    (void)notifier_.reloading();
    auto fresh = load_agent_config(config_.path, environ);
    if (!fresh) {
        spdlog::error("reload: {}; still running the configuration loaded before",
                      fresh.error().message);
        (void)notifier_.ready("reload failed; running the previous configuration");
        return;
    }
    std::vector<std::string> restart_needed;
    if (!same_relay(fresh->relay, config_.relay)) {
        restart_needed.push_back("relay");
    }
    if (fresh->state_dir != config_.state_dir) {
        restart_needed.push_back("agent.state_dir");
    }
    if (fresh->secrets.dir != config_.secrets.dir ||
        fresh->secrets.key_file != config_.secrets.key_file) {
        restart_needed.push_back("agent.secrets");
    }
    auto metrics_at = [](const std::optional<MetricsConfig>& m) {
        return m ? fmt::format("{}:{}", m->host, m->port) : std::string();
    };
    if (metrics_at(fresh->metrics) != metrics_at(config_.metrics)) {
        restart_needed.push_back("agent.metrics");
    }
    fresh->metrics = config_.metrics;
    fresh->relay = config_.relay;
    fresh->state_dir = config_.state_dir;
    fresh->secrets = config_.secrets;
    log::Options log_options = fresh->log;
    log_options.system_log = platform::system_log_sink();
    if (log_level_given_) {
        log_options.level = log_level_;
    }
    if (auto st = log::init(log_options); !st) {
        spdlog::error("reload: {}; logging unchanged", st.error().message);
    }
    config_ = std::move(*fresh);
    scheduler_ = schedule::Scheduler(entity_schedules(config_));
    if (auto st = restore(); !st) {
        spdlog::error("reload: {}", st.error().message);
    }
    spdlog::info("reloaded {}: {}", config_.path.string(), describe_service(config_));
    if (!restart_needed.empty()) {
        spdlog::warn(
            "reload: changes to {} take effect only after a restart (systemctl restart "
            "contractsync-agent); the running values are kept until then",
            fmt::join(restart_needed, ", "));
    }
    (void)notifier_.ready(describe_service(config_));
}

std::optional<ServiceLoop::Pending> ServiceLoop::next_command() {
    std::lock_guard lock(mutex_);
    if (commands_.empty()) {
        return std::nullopt;
    }
    auto pending = std::move(commands_.front());
    commands_.pop_front();
    return pending;
}

bool ServiceLoop::command_waiting() {
    std::lock_guard lock(mutex_);
    return !commands_.empty();
}

// Runs one job; entities that stopped between pages are due again as soon
// as their windows allow.
Expected<SyncReport> ServiceLoop::run_job(const schedule::Job& job, ship::Uplink& uplink,
                                          bool full) {
    std::map<std::string, std::optional<TimePoint>> stop_at;
    SyncOptions options;
    for (const auto& e : job.entities) {
        options.entities.push_back(e.entity);
        stop_at[e.entity] = e.stop_at;
    }
    options.full = full;
    options.stop = &shutdown_.flag();
    std::mutex paused_mutex;
    std::set<std::string> paused;
    // Called on the reader thread between pages.
    options.pause = [&](const std::string& entity) {
        auto deadline = stop_at.find(entity);
        bool closed =
            deadline != stop_at.end() && deadline->second && wall_now() >= *deadline->second;
        bool stop = closed || command_waiting();
        if (stop) {
            std::lock_guard lock(paused_mutex);
            paused.insert(entity);
        }
        return stop;
    };
    scheduler_.started(job, wall_now());
    auto report = sync_entities(config_, store_, options);
    scheduler_.finished(job);
    for (const auto& entity : paused) {
        scheduler_.mark_unfinished(entity);
    }
    if (!report) {
        // The loop keeps serving: the next run may find the cause gone.
        spdlog::error("source {}: {}", job.source, report.error().message);
        return report;
    }
    for (const auto& run : report->runs) {
        counters_.record(run);
    }
    if (!report->runs.empty()) {
        auto level = report->problems() ? spdlog::level::warn : spdlog::level::info;
        spdlog::log(level, "source {}: {}", job.source, summarize(*report));
        uplink.notify_outbox();
    }
    return report;
}

// sync_now and full_resync: the entities whose windows are open run now,
// one job per source; the others wait for their windows (sync_now) or are
// refused (full_resync), and the reply says which.
void ServiceLoop::run_now(const ship::RelayCommand& command, ship::Uplink& uplink,
                          ship::CommandResult& result) {
    std::vector<std::string> wanted;
    if (!command.entity.empty()) {
        wanted.push_back(command.entity);
    }
    bool full = command.command == "full_resync";
    TimePoint now = wall_now();
    std::vector<std::string> deferred;
    auto jobs = scheduler_.run_now_jobs(wanted, now, deferred);
    SyncReport total;
    bool failed = false;
    for (const auto& job : jobs) {
        auto report = run_job(job, uplink, full);
        if (!report) {
            total.notes.push_back(fmt::format("source {}: {}", job.source, report.error().message));
            failed = true;
            continue;
        }
        std::move(report->runs.begin(), report->runs.end(), std::back_inserter(total.runs));
        std::move(report->notes.begin(), report->notes.end(), std::back_inserter(total.notes));
    }
    for (const auto& entity : deferred) {
        if (!full) {
            scheduler_.request_run_now(entity);
        }
        auto opens = scheduler_.due_at(entity, now);
        total.notes.push_back(fmt::format(
            "{}: outside its window; {} at {} UTC", entity,
            full ? "not resynced, ask again when the window is open" : "runs when it opens",
            date::format("%FT%R", std::chrono::floor<std::chrono::minutes>(opens))));
    }
    result.ok = !failed && !total.problems() && (!full || deferred.empty());
    result.message = summarize(total);
    if (!total.runs.empty()) {
        result.run_id = total.runs.front().run_id;
    }
}

// retry_failed: every failed row of the entity (or all) through the pipeline again.
void ServiceLoop::retry(const ship::RelayCommand& command, ship::Uplink& uplink,
                        ship::CommandResult& result) {
    auto report = retry_failed(config_, store_, command.entity, 0);
    if (!report) {
        result.message = report.error().message;
        return;
    }
    for (const auto& run : report->runs) {
        counters_.record(run);
    }
    // Rows that fail again are not a success, whatever the run's status.
    std::int64_t still_failing = 0;
    for (const auto& run : report->runs) {
        still_failing += run.counts.failed;
    }
    result.ok = !report->problems() && still_failing == 0;
    result.message = still_failing == 0 ? summarize(*report)
                                        : fmt::format(
                                              "{} row(s) still fail; fix them at the source "
                                              "or in the entity's config, then retry. {}",
                                              still_failing, summarize(*report));
    if (!report->runs.empty()) {
        result.run_id = report->runs.front().run_id;
    }
    uplink.notify_outbox();
}

void ServiceLoop::execute(Pending& pending, ship::Uplink& uplink) {
    const auto& command = pending.command;
    ship::CommandResult result{command.id, false, {}, {}};
    if (!command.entity.empty() && config_.find_entity(command.entity) == nullptr) {
        result.message = fmt::format("entity '{}' is not configured on this agent", command.entity);
        pending.reply(std::move(result));
        return;
    }
    if (command.command == "retry_failed") {
        retry(command, uplink, result);
    } else {
        run_now(command, uplink, result);
    }
    spdlog::info("relay command {} ({}) {}: {}", command.id, command.command,
                 result.ok ? "done" : "failed", result.message);
    pending.reply(std::move(result));
}

}  // namespace cs::agent

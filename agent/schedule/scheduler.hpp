#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/schedule/daily_window.hpp"

namespace cs::agent::schedule {

// When one entity may run: every `every` (start to start), and only while its
// window is open when it has one.
struct EntitySchedule {
    std::string entity;
    std::string source;
    std::chrono::microseconds every{std::chrono::minutes(5)};
    std::optional<DailyWindow> window;
};

// One entity inside a job; `stop_at` is when its window closes (the read then
// stops between pages and resumes in the next window).
struct JobEntity {
    std::string entity;
    std::optional<TimePoint> stop_at;
};

// One run of one source: its due entities, in configuration (dependency) order.
struct Job {
    std::string source;
    std::vector<JobEntity> entities;
};

// Decides what is due and when to wake. Pure: every answer depends on the
// entities' schedules, what was recorded through started()/finished() and the
// `now` passed in, never on a clock, so tests can walk it through DST nights.
// A source has at most one job at a time.
class Scheduler {
public:
    explicit Scheduler(std::vector<EntitySchedule> entities);

    // Seeds the last start of an entity (from run history) so a restart does not re-run it.
    void set_last_start(const std::string& entity, TimePoint at);
    // Run the entity (all when empty) as soon as its window allows, whatever its interval.
    // False when no such entity is scheduled.
    bool request_run_now(const std::string& entity);
    // The entity stopped before finishing (window closed, shutdown, a yield): it
    // is due again as soon as its window allows, whatever its interval.
    void mark_unfinished(const std::string& entity);

    // When the entity is next due, at or after `now` (now when already due).
    TimePoint due_at(const std::string& entity, TimePoint now) const;
    // The first source (in configuration order) that is not running and has
    // entities due at `now`, with those entities.
    std::optional<Job> next_job(TimePoint now) const;
    // A job of the given entities (all when empty) whose windows are open at
    // `now`, ignoring their intervals: what a run-now executes at once. Entities
    // of a running source, or outside their window, go to `deferred`.
    std::vector<Job> run_now_jobs(const std::vector<std::string>& entities, TimePoint now,
                                  std::vector<std::string>& deferred) const;
    // The earliest instant something becomes due; nullopt when nothing is scheduled.
    std::optional<TimePoint> next_wake(TimePoint now) const;

    void started(const Job& job, TimePoint now);
    void finished(const Job& job);
    bool running(const std::string& source) const { return running_.count(source) > 0; }

    const std::vector<EntitySchedule>& entities() const { return entities_; }

private:
    struct State {
        std::optional<TimePoint> last_start;
        bool run_now = false;
    };
    const EntitySchedule* find(const std::string& entity) const;
    JobEntity job_entity(const EntitySchedule& e, TimePoint now) const;

    std::vector<EntitySchedule> entities_;
    std::map<std::string, State> state_;
    std::set<std::string> running_;
};

}  // namespace cs::agent::schedule

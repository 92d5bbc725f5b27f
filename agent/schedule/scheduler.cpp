#include "agent/schedule/scheduler.hpp"

#include <algorithm>

namespace cs::agent::schedule {

Scheduler::Scheduler(std::vector<EntitySchedule> entities) : entities_(std::move(entities)) {
    for (const auto& e : entities_) {
        state_[e.entity];
    }
}

const EntitySchedule* Scheduler::find(const std::string& entity) const {
    for (const auto& e : entities_) {
        if (e.entity == entity) {
            return &e;
        }
    }
    return nullptr;
}

void Scheduler::set_last_start(const std::string& entity, TimePoint at) {
    if (find(entity) != nullptr) {
        state_[entity].last_start = at;
    }
}

bool Scheduler::request_run_now(const std::string& entity) {
    bool any = false;
    for (const auto& e : entities_) {
        if (entity.empty() || e.entity == entity) {
            state_[e.entity].run_now = true;
            any = true;
        }
    }
    return any;
}

void Scheduler::mark_unfinished(const std::string& entity) {
    if (find(entity) != nullptr) {
        state_[entity].run_now = true;
    }
}

TimePoint Scheduler::due_at(const std::string& entity, TimePoint now) const {
    const EntitySchedule* e = find(entity);
    if (e == nullptr) {
        return TimePoint::max();
    }
    const State& s = state_.at(entity);
    TimePoint at = now;
    if (!s.run_now && s.last_start) {
        at = std::max(now, *s.last_start + e->every);
    }
    // Outside its window an entity waits for the next opening: a background
    // table never starts a read in business hours, not even when asked to.
    return e->window ? e->window->next_open(at) : at;
}

JobEntity Scheduler::job_entity(const EntitySchedule& e, TimePoint now) const {
    JobEntity j{e.entity, std::nullopt};
    if (e.window) {
        j.stop_at = e.window->next_close(now);
    }
    return j;
}

std::optional<Job> Scheduler::next_job(TimePoint now) const {
    for (const auto& first : entities_) {
        if (running(first.source) || due_at(first.entity, now) > now) {
            continue;
        }
        // The source of the first due entity: take every entity of it that is due.
        Job job{first.source, {}};
        for (const auto& e : entities_) {
            if (e.source == first.source && due_at(e.entity, now) <= now) {
                job.entities.push_back(job_entity(e, now));
            }
        }
        return job;
    }
    return std::nullopt;
}

std::vector<Job> Scheduler::run_now_jobs(const std::vector<std::string>& entities, TimePoint now,
                                         std::vector<std::string>& deferred) const {
    std::vector<Job> jobs;
    for (const auto& e : entities_) {
        if (!entities.empty() &&
            std::find(entities.begin(), entities.end(), e.entity) == entities.end()) {
            continue;
        }
        if (running(e.source) || (e.window && !e.window->is_open(now))) {
            deferred.push_back(e.entity);
            continue;
        }
        auto job = std::find_if(jobs.begin(), jobs.end(),
                                [&](const Job& j) { return j.source == e.source; });
        if (job == jobs.end()) {
            jobs.push_back({e.source, {}});
            job = std::prev(jobs.end());
        }
        job->entities.push_back(job_entity(e, now));
    }
    return jobs;
}

std::optional<TimePoint> Scheduler::next_wake(TimePoint now) const {
    std::optional<TimePoint> wake;
    for (const auto& e : entities_) {
        if (running(e.source)) {
            continue;  // its job's end is the next event for it
        }
        TimePoint at = due_at(e.entity, now);
        if (!wake || at < *wake) {
            wake = at;
        }
    }
    return wake;
}

void Scheduler::started(const Job& job, TimePoint now) {
    running_.insert(job.source);
    for (const auto& j : job.entities) {
        State& s = state_[j.entity];
        s.last_start = now;
        s.run_now = false;
    }
}

void Scheduler::finished(const Job& job) {
    running_.erase(job.source);
}

}  // namespace cs::agent::schedule

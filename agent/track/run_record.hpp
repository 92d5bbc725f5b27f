#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "agent/store/sqlite.hpp"
#include "common/base/expected.hpp"

namespace cs::agent {

// Rows counted as they pass each pipeline stage.
struct RunCounts {
    std::int64_t fetched = 0;     // rows read from the source, including unreadable ones
    std::int64_t normalized = 0;  // passed type coercion and the string/number/date layers
    std::int64_t mapped = 0;      // passed field mapping
    std::int64_t validated = 0;   // passed required fields and identity
    std::int64_t inserted = 0;
    std::int64_t updated = 0;
    std::int64_t deleted = 0;
    std::int64_t skipped = 0;  // unchanged
    std::int64_t failed = 0;   // sent to the failed-rows store

    // Share of fetched rows that did not fail, 1.0 for an empty read.
    double success_rate() const;
};

// Wall-clock time spent per stage, in microseconds.
struct RunDurations {
    std::int64_t read_us = 0;
    std::int64_t normalize_us = 0;  // normalize + map + validate + identity
    std::int64_t delta_us = 0;      // key index, state writes, change set building
    std::int64_t outbox_us = 0;     // compression and commits
    std::int64_t total_us = 0;
};

// paused: stopped on purpose between batches (shutdown, a closing window, a
// relay command); what it read is committed and the next run continues.
enum class RunStatus { running, succeeded, failed, refused, paused };
std::string_view to_string(RunStatus status);

// One execution of the pipeline for one entity.
struct RunRecord {
    std::string run_id;
    std::string entity;
    std::string source;
    std::string mode;  // full | incremental | retry
    RunStatus status = RunStatus::running;
    std::int64_t started_at = 0;  // unix micros
    std::int64_t finished_at = 0;
    RunCounts counts;
    RunDurations durations;
    std::string error;
    std::string note;  // what happened when it is not obvious from the counts
    std::optional<std::uint64_t> first_sequence;
    std::optional<std::uint64_t> last_sequence;
};

nlohmann::json to_json(const RunRecord& run);

class RunStore {
public:
    explicit RunStore(sqlite::Database& db) : db_(&db) {}

    // Inserts or replaces the run's row (inside the caller's transaction if any).
    Status save(const RunRecord& run);
    // The latest run per entity.
    Expected<std::vector<RunRecord>> latest_per_entity();
    Expected<std::vector<RunRecord>> recent(const std::string& entity, std::size_t limit);
    Expected<std::vector<RunRecord>> unreported(std::size_t limit);
    Status mark_reported(const std::string& run_id);
    // A run left 'running' by a crash is closed as failed when the agent starts.
    Status close_interrupted(std::int64_t now_us);

private:
    sqlite::Database* db_;
};

}  // namespace cs::agent

#include "agent/track/run_record.hpp"

#include <nlohmann/json.hpp>

namespace cs::agent {
namespace {

constexpr const char* kColumns =
    "run_id, entity, source, mode, status, started_at, finished_at, counts, durations, error, "
    "first_sequence, last_sequence, note";

nlohmann::json counts_json(const RunCounts& c) {
    return {{"fetched", c.fetched},     {"normalized", c.normalized}, {"mapped", c.mapped},
            {"validated", c.validated}, {"inserted", c.inserted},     {"updated", c.updated},
            {"deleted", c.deleted},     {"skipped", c.skipped},       {"failed", c.failed}};
}

nlohmann::json durations_json(const RunDurations& d) {
    return {{"read_us", d.read_us},
            {"normalize_us", d.normalize_us},
            {"delta_us", d.delta_us},
            {"outbox_us", d.outbox_us},
            {"total_us", d.total_us}};
}

RunStatus parse_status(std::string_view s) {
    if (s == "succeeded") {
        return RunStatus::succeeded;
    }
    if (s == "failed") {
        return RunStatus::failed;
    }
    if (s == "refused") {
        return RunStatus::refused;
    }
    if (s == "paused") {
        return RunStatus::paused;
    }
    return RunStatus::running;
}

RunRecord read_run(const sqlite::Statement& s) {
    RunRecord r;
    r.run_id = s.column_text(0);
    r.entity = s.column_text(1);
    r.source = s.column_text(2);
    r.mode = s.column_text(3);
    r.status = parse_status(s.column_text(4));
    r.started_at = s.column_int(5);
    r.finished_at = s.column_int(6);
    auto counts = nlohmann::json::parse(s.column_text(7), nullptr, false);
    if (counts.is_object()) {
        auto& c = r.counts;
        c.fetched = counts.value("fetched", 0);
        c.normalized = counts.value("normalized", 0);
        c.mapped = counts.value("mapped", 0);
        c.validated = counts.value("validated", 0);
        c.inserted = counts.value("inserted", 0);
        c.updated = counts.value("updated", 0);
        c.deleted = counts.value("deleted", 0);
        c.skipped = counts.value("skipped", 0);
        c.failed = counts.value("failed", 0);
    }
    auto durations = nlohmann::json::parse(s.column_text(8), nullptr, false);
    if (durations.is_object()) {
        auto& d = r.durations;
        d.read_us = durations.value("read_us", 0);
        d.normalize_us = durations.value("normalize_us", 0);
        d.delta_us = durations.value("delta_us", 0);
        d.outbox_us = durations.value("outbox_us", 0);
        d.total_us = durations.value("total_us", 0);
    }
    r.error = s.column_text(9);
    if (!s.is_null(10)) {
        r.first_sequence = static_cast<std::uint64_t>(s.column_int(10));
    }
    if (!s.is_null(11)) {
        r.last_sequence = static_cast<std::uint64_t>(s.column_int(11));
    }
    r.note = s.column_text(12);
    return r;
}

Expected<std::vector<RunRecord>> collect(sqlite::Statement& s) {
    return sqlite::collect(s, read_run);
}

}  // namespace

double RunCounts::success_rate() const {
    return fetched == 0 ? 1.0
                        : static_cast<double>(fetched - failed) / static_cast<double>(fetched);
}

std::string_view to_string(RunStatus status) {
    switch (status) {
        case RunStatus::running:
            return "running";
        case RunStatus::succeeded:
            return "succeeded";
        case RunStatus::failed:
            return "failed";
        case RunStatus::refused:
            return "refused";
        case RunStatus::paused:
            return "paused";
    }
    return "unknown";
}

nlohmann::json to_json(const RunRecord& run) {
    nlohmann::json j = {{"run_id", run.run_id},
                        {"entity", run.entity},
                        {"source", run.source},
                        {"mode", run.mode},
                        {"status", to_string(run.status)},
                        {"started_at_us", run.started_at},
                        {"finished_at_us", run.finished_at},
                        {"counts", counts_json(run.counts)},
                        {"success_rate", run.counts.success_rate()},
                        {"durations", durations_json(run.durations)},
                        {"error", run.error},
                        {"note", run.note}};
    j["first_sequence"] =
        run.first_sequence ? nlohmann::json(*run.first_sequence) : nlohmann::json();
    j["last_sequence"] = run.last_sequence ? nlohmann::json(*run.last_sequence) : nlohmann::json();
    return j;
}

Status RunStore::save(const RunRecord& run) {
    auto s = db_->prepare(fmt::format(
        "INSERT OR REPLACE INTO runs({}, reported) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13, 0)",
        kColumns));
    if (!s) {
        return std::move(s).error();
    }
    std::string counts = counts_json(run.counts).dump();
    std::string durations = durations_json(run.durations).dump();
    s->bind_view(1, run.run_id)
        .bind_view(2, run.entity)
        .bind_view(3, run.source)
        .bind_view(4, run.mode)
        .bind_view(5, to_string(run.status))
        .bind(6, run.started_at)
        .bind(7, run.finished_at)
        .bind_view(8, counts)
        .bind_view(9, durations)
        .bind_view(10, run.error);
    if (run.first_sequence) {
        s->bind(11, static_cast<std::int64_t>(*run.first_sequence));
    }
    if (run.last_sequence) {
        s->bind(12, static_cast<std::int64_t>(*run.last_sequence));
    }
    s->bind_view(13, run.note);
    return s->run();
}

Expected<std::vector<RunRecord>> RunStore::latest_per_entity() {
    auto s = db_->prepare(fmt::format(
        "SELECT {} FROM runs r WHERE started_at = (SELECT max(started_at) FROM runs WHERE entity "
        "= r.entity) ORDER BY entity",
        kColumns));
    if (!s) {
        return std::move(s).error();
    }
    return collect(*s);
}

Expected<std::vector<RunRecord>> RunStore::recent(const std::string& entity, std::size_t limit) {
    auto s = db_->prepare(fmt::format(
        "SELECT {} FROM runs WHERE ?1 = '' OR entity = ?1 ORDER BY started_at DESC LIMIT ?2",
        kColumns));
    if (!s) {
        return std::move(s).error();
    }
    s->bind_view(1, entity).bind(2, static_cast<std::int64_t>(limit));
    return collect(*s);
}

Expected<std::vector<RunRecord>> RunStore::unreported(std::size_t limit) {
    auto s = db_->prepare(fmt::format(
        "SELECT {} FROM runs WHERE reported = 0 AND status != 'running' ORDER BY started_at LIMIT "
        "?1",
        kColumns));
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, static_cast<std::int64_t>(limit));
    return collect(*s);
}

Status RunStore::mark_reported(const std::string& run_id) {
    auto s = db_->prepare("UPDATE runs SET reported = 1 WHERE run_id = ?1");
    if (!s) {
        return std::move(s).error();
    }
    s->bind_view(1, run_id);
    return s->run();
}

Status RunStore::close_interrupted(std::int64_t now_us) {
    auto s = db_->prepare(
        "UPDATE runs SET status = 'failed', finished_at = ?1, error = 'interrupted: the agent "
        "stopped during the run' WHERE status = 'running'");
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, now_us);
    return s->run();
}

}  // namespace cs::agent

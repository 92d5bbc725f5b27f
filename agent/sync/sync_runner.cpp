#include "agent/sync/sync_runner.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "agent/pipeline/entity_sync.hpp"
#include "agent/source/drop_folder.hpp"
#include "agent/source/failed_rows_reader.hpp"
#include "agent/source/file_reader.hpp"
#include "agent/sync/entity_plan.hpp"
#include "agent/sync/odata_sync.hpp"
#include "common/hash/file_hash.hpp"
#include "common/uuid/uuid.hpp"

namespace cs::agent {
namespace {

namespace fs = std::filesystem;

RunRecord unchanged_run(const EntityConfig& entity, const DropFile& file) {
    RunRecord run;
    run.run_id = uuid_v7().to_string();
    run.entity = entity.name;
    run.source = file.path.filename().string();
    run.mode = "full";
    run.status = RunStatus::succeeded;
    run.started_at = run.finished_at = now_micros();
    run.note =
        "same content as the last file processed for this entity: nothing to do "
        "(use --full to read it again)";
    return run;
}

Expected<std::unique_ptr<RowReader>> open_reader(const EntityConfig& entity, const fs::path& path) {
    auto kind =
        detect_file_kind(path, entity.format == FileFormat::automatic,
                         entity.format == FileFormat::xlsx ? FileKind::xlsx : FileKind::csv);
    if (!kind) {
        return std::move(kind).error();
    }
    if (*kind == FileKind::xlsx) {
        return open_xlsx(path, entity.xlsx);
    }
    return open_csv(path, entity.csv);
}

// Processes one dropped file for one entity; the file ends in processed/ or failed/.
Expected<RunRecord> sync_file(const AgentConfig&, StateDb& store, const EntityConfig& entity,
                              DropFolder& folder, const DropFile& file,
                              const SyncOptions& options) {
    std::string name = file.path.filename().string();
    auto content = hash_file(file.path);
    if (!content) {
        return std::move(content).error();
    }
    std::string fingerprint = content->to_hex() + ":" + entity.fingerprint;
    auto last = store.last_processed_fingerprint(entity.name);
    if (!last) {
        return std::move(last).error();
    }
    if (!options.full && *last && **last == fingerprint) {
        RunRecord run = unchanged_run(entity, file);
        if (auto st = RunStore(store.db()).save(run); !st) {
            return std::move(st).error();
        }
        if (auto moved = folder.move_to_processed(file); !moved) {
            return std::move(moved).error();
        }
        return run;
    }

    auto reader = open_reader(entity, file.path);
    if (!reader && reader.error().code == ErrorCode::unavailable) {
        return std::move(reader).error();  // in use: not a bad file, a file to read later
    }
    if (!reader) {
        RunRecord run = unchanged_run(entity, file);
        run.status = RunStatus::failed;
        run.note.clear();
        run.error = reader.error().message;
        if (auto st = RunStore(store.db()).save(run); !st) {
            return std::move(st).error();
        }
        if (auto moved = folder.move_to_failed(file, run.error); !moved) {
            return std::move(moved).error();
        }
        return run;
    }
    EntityPlan plan = entity_plan(entity);
    plan.delta.force = options.force;
    auto run = sync_entity(store, plan, **reader, {name, "full", options.stop});
    // Closed before the file moves: Windows moves no file that is still open.
    reader->reset();
    if (!run) {
        return run;
    }
    if (run->status == RunStatus::succeeded) {
        if (auto st = store.remember_processed_file(entity.name, fingerprint, name, file.size,
                                                    run->run_id);
            !st) {
            return std::move(st).error();
        }
        if (auto moved = folder.move_to_processed(file); !moved) {
            return std::move(moved).error();
        }
    } else if (run->status != RunStatus::paused) {
        // A paused run leaves its file where it is, to be read again next time.
        std::string reason = fmt::format("{}: {} run {} {}: {}", name, entity.name, run->run_id,
                                         to_string(run->status), run->error);
        if (auto moved = folder.move_to_failed(file, reason); !moved) {
            return std::move(moved).error();
        }
    }
    return run;
}

// Drop-folder files that another program still holds (a copy in progress, a
// workbook open in Excel) are skipped until it lets go. The log says so once
// per file, not on every poll; a file that was read, or went away, is
// forgotten.
class InUseFiles {
public:
    bool first_notice(const fs::path& path) {
        std::lock_guard lock(mutex_);
        return held_.insert(path).second;
    }
    void released(const fs::path& path) {
        std::lock_guard lock(mutex_);
        held_.erase(path);
    }

private:
    std::mutex mutex_;
    std::set<fs::path> held_;
};

InUseFiles& in_use_files() {
    static InUseFiles files;
    return files;
}

}  // namespace

bool SyncReport::problems() const {
    return std::any_of(runs.begin(), runs.end(), [](const RunRecord& r) {
        return r.status == RunStatus::failed || r.status == RunStatus::refused;
    });
}

Expected<SyncReport> sync_entities(const AgentConfig& config, StateDb& store,
                                   const SyncOptions& options) {
    for (const auto& wanted : options.entities) {
        if (config.find_entity(wanted) == nullptr) {
            return make_error(ErrorCode::invalid_argument, "{}: no entity named '{}'",
                              config.path.string(), wanted);
        }
    }
    SyncReport report;
    // One client per OData source for the whole sync: one token, one session.
    std::map<std::string, std::unique_ptr<odata::OdataClient>> clients;
    for (const auto& entity : config.entities) {
        if (!options.entities.empty() && std::find(options.entities.begin(), options.entities.end(),
                                                   entity.name) == options.entities.end()) {
            continue;
        }
        if (options.stop != nullptr && options.stop->load()) {
            break;
        }
        const SourceConfig* source = config.find_source(entity.source);
        if (std::holds_alternative<OdataSourceConfig>(source->settings)) {
            auto& client = clients[source->name];
            if (!client) {
                auto opened = odata::OdataClient::open(*source, options.stop);
                if (!opened) {
                    return std::move(opened).error();
                }
                client = std::move(*opened);
            }
            odata::EntityRunOptions run_options{options.full, options.force, false, options.stop,
                                                nullptr};
            if (options.pause) {
                run_options.pause = [&options, &entity] { return options.pause(entity.name); };
            }
            auto runs = odata::sync_odata_entity(store, entity, *client, run_options);
            if (!runs) {
                return std::move(runs).error();
            }
            std::move(runs->begin(), runs->end(), std::back_inserter(report.runs));
            continue;
        }
        const auto& folder_config = std::get<FolderSourceConfig>(source->settings);
        DropFolder folder(folder_config.path, folder_config.processed_dir, folder_config.failed_dir,
                          folder_config.stable_for);
        auto files = folder.ready(entity.patterns);
        if (!files) {
            return std::move(files).error();
        }
        if (files->empty()) {
            report.notes.push_back(fmt::format("{}: no files ready in {} matching {}", entity.name,
                                               folder_config.path.string(),
                                               fmt::join(entity.patterns, ", ")));
        }
        for (const auto& file : *files) {
            if (options.stop != nullptr && options.stop->load()) {
                break;
            }
            auto run = sync_file(config, store, entity, folder, file, options);
            if (!run && run.error().code == ErrorCode::unavailable) {
                report.notes.push_back(fmt::format("{}: {}; it will be read on a later poll",
                                                   entity.name, run.error().message));
                auto level = in_use_files().first_notice(file.path) ? spdlog::level::warn
                                                                    : spdlog::level::debug;
                spdlog::log(level, "{}", report.notes.back());
                continue;
            }
            in_use_files().released(file.path);
            if (!run) {
                return std::move(run).error();
            }
            report.runs.push_back(std::move(*run));
        }
    }
    return report;
}

Expected<SyncReport> retry_failed(const AgentConfig& config, StateDb& store,
                                  const std::string& entity, std::int64_t id) {
    if (!entity.empty() && config.find_entity(entity) == nullptr) {
        return make_error(ErrorCode::invalid_argument, "{}: no entity named '{}'",
                          config.path.string(), entity);
    }
    FailedRowStore failed(store.db());
    std::vector<FailedRow> rows;
    if (id != 0) {
        auto row = failed.get(id);
        if (!row) {
            return std::move(row).error();
        }
        if (!*row) {
            return make_error(ErrorCode::not_found, "no failed row with id {}", id);
        }
        rows.push_back(std::move(**row));
    } else {
        for (std::int64_t after = 0;;) {
            auto page = failed.list({entity, after, 10'000});
            if (!page) {
                return std::move(page).error();
            }
            if (page->empty()) {
                break;
            }
            after = page->back().id;
            std::move(page->begin(), page->end(), std::back_inserter(rows));
        }
    }
    SyncReport report;
    std::vector<FailedRow> unreadable;
    for (auto& group : group_for_retry(std::move(rows), unreadable)) {
        const EntityConfig* e = config.find_entity(group.entity);
        if (e == nullptr) {
            report.notes.push_back(
                fmt::format("{} failed row(s) belong to entity '{}', which is "
                            "no longer configured; purge them",
                            group.rows.size(), group.entity));
            continue;
        }
        EntityPlan plan = entity_plan(*e);
        plan.delta.full_read = false;  // a handful of rows is never the whole entity
        plan.delta.raw_skip = false;   // stored raw text is not what a source read produces
        for (const auto& r : group.rows) {
            plan.delta.replace_failed_ids.push_back(r.id);
        }
        FailedRowsReader reader(group.columns, std::move(group.rows));
        auto run = sync_entity(store, plan, reader, {group.source, "retry", nullptr});
        if (!run) {
            return std::move(run).error();
        }
        report.runs.push_back(std::move(*run));
    }
    if (!unreadable.empty()) {
        report.notes.push_back(fmt::format(
            "{} failed row(s) could not be read into fields at all (stage read); fix them in "
            "the source file and drop it again",
            unreadable.size()));
    }
    return report;
}

}  // namespace cs::agent

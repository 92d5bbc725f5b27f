#include "tests/agent/sync/golden_case.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "agent/outbox/outbox.hpp"
#include "agent/sync/sync_runner.hpp"
#include "agent/validate/failed_row.hpp"
#include "common/config/document.hpp"
#include "common/wire/codec.hpp"

namespace cs::agent::golden {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Integers and booleans keep their JSON type so an expectation shows them as
// written; every other type is its canonical text (Value::to_text).
json value_json(const Value& value) {
    if (value.is_null()) {
        return nullptr;
    }
    switch (*value.type()) {
        case FieldType::integer:
            return value.as_integer();
        case FieldType::boolean:
            return value.as_boolean();
        default:
            return value.to_text();
    }
}

std::string op_name(wire::Op op) {
    switch (op) {
        case wire::Op::insert:
            return "insert";
        case wire::Op::update:
            return "update";
        case wire::Op::remove:
            return "delete";
    }
    return "unknown";
}

// File names directly in `dir`, without the reason files that sit beside failed ones.
std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (it->is_regular_file() && !name.ends_with(".reason.txt")) {
            names.insert(name);
        }
    }
    return names;
}

json added_files(const std::set<std::string>& before, const std::set<std::string>& after) {
    json out = json::array();
    for (const auto& name : after) {
        if (before.count(name) == 0) {
            out.push_back(name);
        }
    }
    return out;
}

json run_json(const RunRecord& run) {
    return json{{"entity", run.entity},
                {"source", run.source},
                {"status", std::string(to_string(run.status))},
                {"fetched", run.counts.fetched},
                {"normalized", run.counts.normalized},
                {"mapped", run.counts.mapped},
                {"validated", run.counts.validated},
                {"inserted", run.counts.inserted},
                {"updated", run.counts.updated},
                {"deleted", run.counts.deleted},
                {"skipped", run.counts.skipped},
                {"failed", run.counts.failed},
                {"error", run.error},
                {"note", run.note}};
}

json failed_json(const FailedRow& row) {
    return json{
        {"entity", row.entity}, {"stage", row.stage},
        {"field", row.field},   {"error", row.error},
        {"value", row.value},   {"location", fmt::format("{}:{}", row.source, row.location.line)},
        {"raw", row.raw}};
}

// Keys compared as substrings: messages carry run ids and long explanations.
bool substring_key(const std::string& key) {
    return key == "error" || key == "note";
}

// Every key of `expected` must be in `actual` with the same value.
void compare_subset(const std::string& where, const json& expected, const json& actual,
                    std::vector<std::string>& out) {
    for (const auto& [key, want] : expected.items()) {
        if (!actual.contains(key)) {
            out.push_back(fmt::format("{}.{}: expected {}, missing", where, key, want.dump()));
            continue;
        }
        const json& got = actual.at(key);
        bool same = substring_key(key) && want.is_string() && got.is_string()
                        ? got.get<std::string>().find(want.get<std::string>()) != std::string::npos
                        : want == got;
        if (!same) {
            out.push_back(
                fmt::format("{}.{}: expected {}, got {}", where, key, want.dump(), got.dump()));
        }
    }
}

void compare_list(const std::string& name, const json& expected, const json& actual, bool subset,
                  std::vector<std::string>& out) {
    if (expected.size() != actual.size()) {
        out.push_back(
            fmt::format("{}: expected {} entries, got {}", name, expected.size(), actual.size()));
    }
    for (std::size_t i = 0; i < std::min(expected.size(), actual.size()); ++i) {
        std::string where = fmt::format("{}[{}]", name, i);
        if (subset && expected[i].is_object()) {
            compare_subset(where, expected[i], actual[i], out);
        } else if (expected[i] != actual[i]) {
            out.push_back(fmt::format("{}: expected {}, got {}", where, expected[i].dump(),
                                      actual[i].dump()));
        }
    }
}

}  // namespace

GoldenCase::GoldenCase(fs::path case_dir, fs::path work_dir, json steps, AgentConfig config,
                       StateDb store)
    : case_dir_(std::move(case_dir)),
      work_dir_(std::move(work_dir)),
      steps_(std::move(steps)),
      config_(std::move(config)),
      store_(std::move(store)) {}

Expected<std::unique_ptr<GoldenCase>> GoldenCase::open(const fs::path& case_dir,
                                                       const fs::path& work_dir) {
    json doc;
    try {
        doc = json::parse(read_text(case_dir / "case.jsonc"), nullptr, true, true);
    } catch (const json::exception& e) {
        return make_error(ErrorCode::invalid_argument, "{}: {}", (case_dir / "case.jsonc").string(),
                          e.what());
    }
    if (!doc.contains("config") || !doc.contains("steps") || !doc.at("steps").is_array()) {
        return make_error(ErrorCode::invalid_argument, "{}: needs \"config\" and \"steps\"",
                          (case_dir / "case.jsonc").string());
    }
    // The config goes through the production parser, exactly as a file would.
    auto config_doc = config::Document::parse(doc.at("config").dump(2), "case.jsonc config");
    if (!config_doc) {
        return std::move(config_doc).error();
    }
    auto config = parse_agent_config(*config_doc, work_dir);
    if (!config) {
        return std::move(config).error();
    }
    std::error_code ec;
    fs::create_directories(config->state_dir, ec);
    for (const auto& source : config->sources) {
        fs::create_directories(std::get<FolderSourceConfig>(source.settings).path, ec);
    }
    auto store = StateDb::open(config->state_db());
    if (!store) {
        return std::move(store).error();
    }
    return std::unique_ptr<GoldenCase>(
        new GoldenCase(case_dir, work_dir, doc.at("steps"), std::move(*config), std::move(*store)));
}

Status GoldenCase::drop_files(const json& drop) {
    // Every case uses one folder source; files get increasing modification
    // times in the order listed, so "oldest first" is the listed order.
    const auto& folder = std::get<FolderSourceConfig>(config_.sources.at(0).settings);
    auto base = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const json& item : drop) {
        std::string from =
            item.is_string() ? item.get<std::string>() : item.at("from").get<std::string>();
        std::string as = item.is_string() ? from : item.value("as", from);
        fs::path source = case_dir_ / from;
        if (from.starts_with("../")) {
            // Shared fixtures (tests/data/xlsx/...) are named relative to the case.
            source = (case_dir_ / from).lexically_normal();
        }
        fs::path target = folder.path / as;
        std::error_code ec;
        fs::copy_file(source, target, fs::copy_options::overwrite_existing, ec);
        if (ec) {
            return make_error(ErrorCode::io_error, "cannot copy {} to {}: {}", source.string(),
                              target.string(), ec.message());
        }
        fs::last_write_time(target, base + std::chrono::seconds(next_mtime_offset_++), ec);
        if (ec) {
            return make_error(ErrorCode::io_error, "cannot set the time of {}: {}", target.string(),
                              ec.message());
        }
    }
    return ok();
}

json GoldenCase::describe_row(const std::string& entity, const std::string& op,
                              const std::vector<Value>& values, const std::string& rowversion,
                              const std::string& bk_hex,
                              const std::optional<std::string>& parent_hex,
                              std::vector<std::string>& errors) {
    const EntityConfig* config = config_.find_entity(entity);
    json row{{"entity", entity}, {"op", op}};
    // bk_hash covers the key values only, so two entities may share one.
    const std::string known_id = entity + ":" + bk_hex;
    if (op == "delete") {
        // A delete carries only its bk_hash: name it by the key its insert had.
        auto it = known_.find(known_id);
        if (it == known_.end()) {
            errors.push_back(fmt::format("{}: delete of bk_hash {} that no earlier change inserted",
                                         entity, bk_hex));
            row["key"] = "unknown bk_hash " + bk_hex;
        } else {
            row["key"] = it->second.key;
            known_.erase(it);
        }
        return row;
    }
    json fields = json::object();
    for (std::size_t i = 0; i < values.size() && i < config->fields.size(); ++i) {
        fields[config->fields[i].name] = value_json(values[i]);
    }
    json key = json::object();
    for (const auto& k : config->key) {
        key[k] = fields.value(k, json());
    }
    auto it = known_.find(known_id);
    if (op == "insert") {
        if (it != known_.end()) {
            errors.push_back(fmt::format("{}: insert of bk_hash {} ({}) that is already live",
                                         entity, bk_hex, key.dump()));
        }
        known_[known_id] = KnownRow{entity, key};
    } else if (it == known_.end()) {
        errors.push_back(fmt::format("{}: update of bk_hash {} ({}) never inserted", entity, bk_hex,
                                     key.dump()));
    } else if (it->second.key != key || it->second.entity != entity) {
        errors.push_back(fmt::format("{}: update of bk_hash {} has key {}, its insert had {} {}",
                                     entity, bk_hex, key.dump(), it->second.entity,
                                     it->second.key.dump()));
    }
    row["values"] = fields;
    if (!config->rowversion.empty()) {
        row["rowversion"] = rowversion;
    }
    if (!config->parent.empty() || parent_hex) {
        // The parent is named by the key of the parent row whose insert carried that
        // bk_hash, which checks the child's parent_bk_hash against the parent's identity.
        if (!parent_hex) {
            row["parent"] = nullptr;
        } else if (auto p = known_.find(config->parent + ":" + *parent_hex);
                   p != known_.end() && p->second.entity == config->parent) {
            row["parent"] = p->second.key;
        } else {
            row["parent"] = "unknown bk_hash " + *parent_hex;
        }
    }
    return row;
}

Expected<StepOutcome> GoldenCase::run_step(std::size_t index) {
    const json& step = steps_.at(index);
    const auto& folder = std::get<FolderSourceConfig>(config_.sources.at(0).settings);
    auto processed_before = files_in(folder.processed_dir);
    auto failed_before = files_in(folder.failed_dir);
    if (auto st = drop_files(step.value("drop", json::array())); !st) {
        return std::move(st).error();
    }

    SyncOptions options;
    json step_options = step.value("options", json::object());
    options.full = step_options.value("full", false);
    options.force = step_options.value("force", false);
    options.entities = step_options.value("entities", std::vector<std::string>{});

    StepOutcome outcome;
    json& actual = outcome.actual;
    auto report = sync_entities(config_, store_, options);
    if (!report) {
        actual["error"] = report.error().message;
        return outcome;
    }

    actual["runs"] = json::array();
    std::set<std::string> run_ids;
    for (const auto& run : report->runs) {
        actual["runs"].push_back(run_json(run));
        run_ids.insert(run.run_id);
    }

    // Change sets this step added, in sequence order, rows in set order.
    actual["changes"] = json::array();
    Outbox outbox(store_.db());
    auto entries = outbox.pending(last_sequence_, 1'000'000);
    if (!entries) {
        return std::move(entries).error();
    }
    auto& errors = outcome.invariant_errors;
    for (const auto& entry : *entries) {
        if (entry.sequence != last_sequence_ + 1) {
            errors.push_back(fmt::format("outbox sequence {} follows {}: numbers must not skip",
                                         entry.sequence, last_sequence_));
        }
        last_sequence_ = entry.sequence;
        auto decoded = wire::decode(entry.frame);
        if (!decoded) {
            errors.push_back(
                fmt::format("outbox sequence {}: {}", entry.sequence, decoded.error().message));
            continue;
        }
        const wire::ChangeSet& set = decoded->set;
        const EntityConfig* entity = config_.find_entity(set.entity);
        if (entity == nullptr) {
            errors.push_back(
                fmt::format("sequence {}: unknown entity '{}'", entry.sequence, set.entity));
            continue;
        }
        if (set.sequence != entry.sequence || set.entity != entry.entity ||
            set.stream_id != store_.stream_id() || run_ids.count(set.run_id) == 0) {
            errors.push_back(fmt::format(
                "sequence {}: header (sequence {}, entity {}, stream {}, run {}) does not match "
                "the outbox entry, the store's stream or a run of this step",
                entry.sequence, set.sequence, set.entity, set.stream_id, set.run_id));
        }
        if (set.parent_entity != entity->parent) {
            errors.push_back(fmt::format("sequence {}: parent_entity '{}', configured '{}'",
                                         entry.sequence, set.parent_entity, entity->parent));
        }
        std::vector<std::string> schema;
        for (const auto& f : set.schema) {
            schema.push_back(f.name);
        }
        std::vector<std::string> configured;
        for (const auto& f : entity->fields) {
            configured.push_back(f.name);
        }
        if (schema != configured) {
            errors.push_back(
                fmt::format("sequence {}: schema [{}] is not the configured fields [{}]",
                            entry.sequence, fmt::join(schema, ", "), fmt::join(configured, ", ")));
        }
        if (static_cast<std::size_t>(entry.row_count) != set.rows.size()) {
            errors.push_back(fmt::format("sequence {}: row_count {} but {} rows", entry.sequence,
                                         entry.row_count, set.rows.size()));
        }
        for (const auto& row : set.rows) {
            std::optional<std::string> parent;
            if (row.parent_bk_hash) {
                parent = row.parent_bk_hash->to_hex();
            }
            actual["changes"].push_back(describe_row(set.entity, op_name(row.op), row.values,
                                                     row.rowversion, row.bk_hash.to_hex(), parent,
                                                     errors));
        }
    }

    // Failed rows the step's runs recorded (ids may be reused after a full read
    // replaced earlier failures, so select by run), by file and line.
    FailedRowStore failed_rows(store_.db());
    std::vector<FailedRow> failed;
    for (std::int64_t after = 0;;) {
        auto page = failed_rows.list({"", after, 1000});
        if (!page) {
            return std::move(page).error();
        }
        if (page->empty()) {
            break;
        }
        after = page->back().id;
        for (auto& row : *page) {
            if (run_ids.count(row.run_id) != 0) {
                failed.push_back(std::move(row));
            }
        }
    }
    std::stable_sort(failed.begin(), failed.end(), [](const FailedRow& a, const FailedRow& b) {
        return std::tie(a.source, a.location.line) < std::tie(b.source, b.location.line);
    });
    actual["failed"] = json::array();
    for (const auto& row : failed) {
        actual["failed"].push_back(failed_json(row));
    }

    auto waiting = failed_rows.counts();
    if (!waiting) {
        return std::move(waiting).error();
    }
    actual["failed_waiting"] = json::object();
    for (const auto& entity : config_.entities) {
        actual["failed_waiting"][entity.name] = 0;
    }
    for (const auto& [entity, count] : *waiting) {
        actual["failed_waiting"][entity] = count;
    }

    actual["state"] = json::object();
    for (const auto& entity : config_.entities) {
        auto record = store_.find_entity(entity.name);
        if (!record) {
            return std::move(record).error();
        }
        actual["state"][entity.name] = *record ? (*record)->row_count : 0;
    }
    actual["processed"] = added_files(processed_before, files_in(folder.processed_dir));
    actual["failed_files"] = added_files(failed_before, files_in(folder.failed_dir));
    return outcome;
}

std::vector<std::string> compare_step(const json& expected, const json& actual) {
    std::vector<std::string> out;
    for (const auto& [key, want] : expected.items()) {
        if (!actual.contains(key)) {
            out.push_back(fmt::format("{}: expected {}, the step produced none (error: {})", key,
                                      want.dump(), actual.value("error", std::string())));
            continue;
        }
        const json& got = actual.at(key);
        if (key == "runs" || key == "failed") {
            compare_list(key, want, got, true, out);
        } else if (key == "changes" || key == "processed" || key == "failed_files") {
            compare_list(key, want, got, false, out);
        } else if (key == "state") {
            compare_subset(key, want, got, out);
        } else if (key == "failed_waiting") {
            // Entities the expectation leaves out have no failed rows waiting.
            json full = want;
            for (const auto& item : got.items()) {
                if (!full.contains(item.key())) {
                    full[item.key()] = 0;
                }
            }
            if (full != got) {
                out.push_back(
                    fmt::format("failed_waiting: expected {}, got {}", full.dump(), got.dump()));
            }
        } else if (key == "error") {
            compare_subset("step", json{{"error", want}}, actual, out);
        } else {
            out.push_back(fmt::format("unknown expectation key '{}'", key));
        }
    }
    if (!expected.contains("error") && actual.contains("error")) {
        out.push_back("the step failed: " + actual.at("error").get<std::string>());
    }
    return out;
}

}  // namespace cs::agent::golden

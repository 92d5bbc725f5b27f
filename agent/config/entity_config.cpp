// Entities of the agent config: what each reads, keys, fields, parent links,
// the OData part and the schedule (docs/agent.md, "Entities").
#include "agent/config/entity_config.hpp"

#include <algorithm>
#include <set>

#include "agent/config/odata_config.hpp"
#include "common/hash/hash128.hpp"

namespace cs::agent {
namespace {

// An entity's "schedule": its interval and its daily window (docs/agent.md, "Scheduling").
Expected<EntityScheduleConfig> parse_schedule(const config::Reader& entity) {
    EntityScheduleConfig out;
    if (!entity.has("schedule")) {
        return out;
    }
    auto r = entity.object("schedule");
    if (!r) {
        return std::move(r).error();
    }
    if (auto st = r->allow_only({"every", "window"}); !st) {
        return std::move(st).error();
    }
    if (r->has("every")) {
        auto every = r->duration_or("every", std::chrono::milliseconds(0));
        if (!every) {
            return std::move(every).error();
        }
        if (*every < std::chrono::seconds(1)) {
            return r->error("every", "must be at least 1s");
        }
        out.every = *every;
    }
    if (!r->has("window")) {
        return out;
    }
    auto w = r->object("window");
    if (!w) {
        return std::move(w).error();
    }
    if (auto st = w->allow_only({"start", "end", "time_zone"}); !st) {
        return std::move(st).error();
    }
    schedule::DailyWindow window;
    for (auto [key, target] : {std::pair{"start", &window.start}, std::pair{"end", &window.end}}) {
        auto text = w->string(key);
        if (!text) {
            return std::move(text).error();
        }
        auto at = schedule::parse_clock_time(*text);
        if (!at) {
            return w->error(key, at.error().message);
        }
        *target = *at;
    }
    if (window.start == window.end) {
        return w->error("end",
                        "equals start: a window must have a length (omit \"window\" to "
                        "read at any time)");
    }
    auto zone_name = w->string_or("time_zone", "local");
    if (!zone_name) {
        return std::move(zone_name).error();
    }
    auto zone = schedule::find_window_zone(*zone_name);
    if (!zone) {
        return w->error("time_zone", zone.error().message);
    }
    window.zone = *zone;
    out.window = window;
    return out;
}

}  // namespace

Expected<EntityConfig> parse_entity(const config::Reader& r, const AgentConfig& config) {
    if (auto st = r.allow_only({"name", "source", "files", "mode", "key", "parent", "rowversion",
                                "max_delete_fraction", "change_set_rows", "normalize", "fields",
                                "odata", "schedule"});
        !st) {
        return std::move(st).error();
    }
    EntityConfig e;
    auto name = r.string("name");
    if (!name) {
        return std::move(name).error();
    }
    if (!valid_config_name(*name)) {
        return r.error("name", "entity names use lowercase letters, digits and _ (at most 63)");
    }
    e.name = *name;
    auto source = r.string("source");
    if (!source) {
        return std::move(source).error();
    }
    if (config.find_source(*source) == nullptr) {
        return r.error("source", fmt::format("no source named '{}' in sources", *source));
    }
    e.source = *source;

    if (auto files = r.optional_object("files")) {
        if (auto st = files->allow_only({"patterns", "format", "csv", "xlsx"}); !st) {
            return std::move(st).error();
        }
        auto patterns = files->string_list_or("patterns", {"*.csv", "*.xlsx"});
        auto format = files->string_or("format", "auto");
        if (!patterns || !format) {
            return !patterns ? patterns.error() : format.error();
        }
        e.patterns = *patterns;
        if (*format == "csv") {
            e.format = FileFormat::csv;
        } else if (*format == "xlsx") {
            e.format = FileFormat::xlsx;
        } else if (*format != "auto") {
            return files->error("format", "expected auto, csv or xlsx");
        }
        if (auto csv = files->optional_object("csv")) {
            auto options = csv_options_from_config(*csv);
            if (!options) {
                return std::move(options).error();
            }
            e.csv = *options;
        }
        if (auto xlsx = files->optional_object("xlsx")) {
            auto options = xlsx_options_from_config(*xlsx);
            if (!options) {
                return std::move(options).error();
            }
            e.xlsx = *options;
        }
    } else {
        e.patterns = {"*.csv", "*.xlsx"};
    }

    auto mode = r.string_or("mode", "snapshot");
    if (!mode) {
        return std::move(mode).error();
    }
    if (*mode != "snapshot" && *mode != "incremental") {
        return r.error("mode",
                       "expected snapshot (each file holds every row: missing rows are "
                       "deleted) or incremental (files hold changes only)");
    }
    e.snapshot = *mode == "snapshot";

    auto fields = parse_fields(r);
    if (!fields) {
        return std::move(fields).error();
    }
    e.fields = std::move(*fields);
    auto& identity = e.identity;
    for (const auto& f : e.fields) {
        identity.fields.push_back(wire::Field{f.name, f.type});
    }
    auto field_index = [&](const std::string& field) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < identity.fields.size(); ++i) {
            if (identity.fields[i].name == field) {
                return i;
            }
        }
        return std::nullopt;
    };

    auto key = r.string_list_or("key", {});
    if (!key) {
        return std::move(key).error();
    }
    if (key->empty()) {
        return r.error("key", "is required: the fields that identify a row (e.g. [\"item_id\"])");
    }
    for (const auto& k : *key) {
        auto index = field_index(k);
        if (!index) {
            return r.error("key", fmt::format("'{}' is not one of the entity's fields", k));
        }
        identity.key.push_back(*index);
    }
    e.key = *key;

    if (auto parent = r.optional_object("parent")) {
        if (auto st = parent->allow_only({"entity", "key"}); !st) {
            return std::move(st).error();
        }
        auto parent_name = parent->string("entity");
        if (!parent_name) {
            return std::move(parent_name).error();
        }
        const EntityConfig* p = config.find_entity(*parent_name);
        if (p == nullptr) {
            return parent->error("entity", fmt::format("no entity named '{}' is defined before "
                                                       "this one (parents come first)",
                                                       *parent_name));
        }
        auto mapping = parent->object("key");
        if (!mapping) {
            return std::move(mapping).error();
        }
        std::set<std::string> covered;
        for (const auto& [parent_field, child] : mapping->members()) {
            if (!child.json().is_string()) {
                return child.error_here("expected the name of a field of this entity");
            }
            std::string child_field = child.json().get<std::string>();
            auto index = field_index(child_field);
            if (!index) {
                return child.error_here(
                    fmt::format("'{}' is not one of this entity's fields", child_field));
            }
            if (std::find(p->key.begin(), p->key.end(), parent_field) == p->key.end()) {
                return child.error_here(
                    fmt::format("'{}' is not part of {}'s key", parent_field, p->name));
            }
            identity.parent_key.emplace_back(parent_field, *index);
            e.parent_key[parent_field] = child_field;
            covered.insert(parent_field);
        }
        if (covered.size() != p->key.size()) {
            return parent->error("key", fmt::format("must map every field of {}'s key ({})",
                                                    p->name, fmt::join(p->key, ", ")));
        }
        e.parent = *parent_name;
        identity.parent_entity = *parent_name;
    }

    auto rowversion = r.string_or("rowversion", "");
    if (!rowversion) {
        return std::move(rowversion).error();
    }
    if (!rowversion->empty()) {
        auto index = field_index(*rowversion);
        if (!index) {
            return r.error("rowversion",
                           fmt::format("'{}' is not one of the entity's fields", *rowversion));
        }
        identity.rowversion = index;
        e.rowversion = *rowversion;
    }

    auto fraction = r.number_or("max_delete_fraction", 0.5, 0.0, 1.0);
    auto set_rows = r.integer_or("change_set_rows", 20'000, 100, 500'000);
    if (!fraction || !set_rows) {
        return !fraction ? fraction.error() : set_rows.error();
    }
    e.max_delete_fraction = *fraction;
    e.change_set_rows = static_cast<std::size_t>(*set_rows);
    e.index_dir = config.state_dir / "index";
    // When an entity is read does not change what its rows mean.
    nlohmann::json meaning = r.json();
    meaning.erase("schedule");
    e.fingerprint = xxh3_128(meaning.dump()).to_hex();
    auto schedule = parse_schedule(r);
    if (!schedule) {
        return std::move(schedule).error();
    }
    e.schedule = std::move(*schedule);
    const SourceConfig* src = config.find_source(e.source);
    if (std::holds_alternative<OdataSourceConfig>(src->settings)) {
        if (r.has("files")) {
            return r.error("files", "applies to folder sources only");
        }
        auto odata = parse_odata_entity(r, e);
        if (!odata) {
            return std::move(odata).error();
        }
        e.odata = std::move(*odata);
    } else if (r.has("odata")) {
        return r.error("odata", "applies to p21 and odata sources only");
    }
    return e;
}

bool valid_config_name(const std::string& name) {
    if (name.empty() || name.size() > 63 || !(name[0] >= 'a' && name[0] <= 'z')) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

}  // namespace cs::agent

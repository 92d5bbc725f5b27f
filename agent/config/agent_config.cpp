#include "agent/config/agent_config.hpp"

#include <algorithm>
#include <set>

#include "agent/config/config_paths.hpp"
#include "agent/config/odata_config.hpp"
#include "common/hash/hash128.hpp"

namespace cs::agent {
namespace {

namespace fs = std::filesystem;

fs::path resolve(const fs::path& base, const std::string& value) {
    return resolve_config_path(base, value);
}

bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 63 || !(name[0] >= 'a' && name[0] <= 'z')) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

Expected<log::Options> parse_log(const config::Reader& agent, const fs::path& base) {
    log::Options options;
    auto section = agent.optional_object("log");
    if (!section) {
        return options;
    }
    if (auto st = section->allow_only({"level", "format", "file", "max_file_mb", "max_files"});
        !st) {
        return std::move(st).error();
    }
    auto level = section->string_or("level", "info");
    auto format = section->string_or("format", "console");
    auto file = section->string_or("file", "");
    auto size = section->integer_or("max_file_mb", 10, 1, 1024);
    auto files = section->integer_or("max_files", 5, 1, 100);
    if (!level || !format || !file || !size || !files) {
        return !level    ? level.error()
               : !format ? format.error()
               : !file   ? file.error()
               : !size   ? size.error()
                         : files.error();
    }
    auto parsed_format = log::parse_format(*format);
    if (!parsed_format) {
        return section->error("format", parsed_format.error().message);
    }
    options.level = *level;
    options.format = *parsed_format;
    options.file = file->empty() ? "" : resolve(base, *file).string();
    options.max_file_bytes = static_cast<std::size_t>(*size) << 20;
    options.max_files = static_cast<std::size_t>(*files);
    return options;
}

// `agent.metrics`: {"listen": "127.0.0.1:9464"}. Loopback only: scrapers run
// on the same machine (a node exporter's textfile, a local Prometheus agent).
Expected<std::optional<MetricsConfig>> parse_metrics(const config::Reader& agent) {
    auto section = agent.optional_object("metrics");
    if (!section) {
        return std::optional<MetricsConfig>();
    }
    if (auto st = section->allow_only({"listen"}); !st) {
        return std::move(st).error();
    }
    auto listen = section->string_or("listen", "");
    if (!listen) {
        return std::move(listen).error();
    }
    if (listen->empty()) {
        return std::optional<MetricsConfig>();
    }
    auto colon = listen->rfind(':');
    std::string host = colon == std::string::npos ? "" : listen->substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    std::string port_text = colon == std::string::npos ? "" : listen->substr(colon + 1);
    int port = -1;
    if (!port_text.empty() && port_text.size() <= 5 &&
        port_text.find_first_not_of("0123456789") == std::string::npos) {
        port = std::stoi(port_text);
    }
    if (host != "127.0.0.1" && host != "::1" && host != "localhost") {
        return section->error("listen",
                              "must be a loopback address such as 127.0.0.1:9464 "
                              "(the agent never listens on the network)");
    }
    if (port < 0 || port > 65535) {
        return section->error("listen", "must end in a port number, e.g. 127.0.0.1:9464");
    }
    return std::optional<MetricsConfig>(
        MetricsConfig{host == "localhost" ? "127.0.0.1" : host, static_cast<std::uint16_t>(port)});
}

// `agent.secrets`: {"dir": ..., "key_file": ...}; both default under the state folder.
Expected<SecretStoreLocation> parse_secret_store(const config::Reader& agent, const fs::path& base,
                                                 const fs::path& state_dir) {
    SecretStoreLocation where;
    where.dir = state_dir / "secrets";
    auto section = agent.optional_object("secrets");
    if (section) {
        if (auto st = section->allow_only({"dir", "key_file"}); !st) {
            return std::move(st).error();
        }
        auto dir = section->string_or("dir", "");
        if (!dir) {
            return std::move(dir).error();
        }
        if (!dir->empty()) {
            where.dir = resolve(base, *dir);
        }
    }
    where.key_file = where.dir / "store.key";
    if (section) {
        auto key = section->string_or("key_file", "");
        if (!key) {
            return std::move(key).error();
        }
        if (!key->empty()) {
            where.key_file = resolve(base, *key);
        }
    }
    return where;
}

// Every `{"secret": NAME}` reference learns where the store is, so code that
// resolves it needs nothing but the reference.
void point_at_secret_store(AgentConfig& config) {
    auto point = [&](std::optional<SecretRef>& ref) {
        if (ref) {
            ref->store = config.secrets;
        }
    };
    if (config.relay) {
        config.relay->site_key.store = config.secrets;
    }
    for (auto& source : config.sources) {
        if (auto* odata = std::get_if<OdataSourceConfig>(&source.settings)) {
            point(odata->password);
            point(odata->consumer_key);
            point(odata->token);
        }
    }
}

Expected<RelayConfig> parse_relay(const config::Reader& r, const fs::path& base) {
    if (auto st = r.allow_only({"url", "site_key", "ca_file", "proxy", "window"}); !st) {
        return std::move(st).error();
    }
    RelayConfig relay;
    auto url = r.string("url");
    if (!url) {
        return std::move(url).error();
    }
    if (url->rfind("wss://", 0) != 0 && url->rfind("ws://", 0) != 0) {
        return r.error("url", "must start with wss:// (ws:// only for a relay on this machine)");
    }
    relay.url = *url;
    auto key = parse_secret_ref(r, "site_key");
    if (!key) {
        return std::move(key).error();
    }
    relay.site_key = *key;
    if (relay.site_key.kind == SecretRef::Kind::file) {
        // Like every other path in the file: relative to the config's folder.
        relay.site_key.name = resolve(base, relay.site_key.name).string();
    }
    auto ca = r.string_or("ca_file", "");
    auto proxy = r.string_or("proxy", "");
    auto window = r.integer_or("window", 8, 1, 64);
    if (!ca || !proxy || !window) {
        return !ca ? ca.error() : !proxy ? proxy.error() : window.error();
    }
    relay.ca_file = ca->empty() ? fs::path() : resolve(base, *ca);
    relay.proxy = *proxy;
    relay.window = static_cast<std::size_t>(*window);
    return relay;
}

Expected<SourceConfig> parse_source(const std::string& name, const config::Reader& r,
                                    const fs::path& base) {
    if (!valid_name(name)) {
        return r.error_here("source names use lowercase letters, digits and _ (at most 63)");
    }
    auto type = r.string("type");
    if (!type) {
        return std::move(type).error();
    }
    if (*type == "p21" || *type == "odata") {
        return parse_odata_source(name, *type, r, base);
    }
    if (*type != "folder") {
        return r.error(
            "type", fmt::format("unknown source type '{}' (expected folder, p21 or odata)", *type));
    }
    if (auto st =
            r.allow_only({"type", "path", "processed_dir", "failed_dir", "stable_for", "poll"});
        !st) {
        return std::move(st).error();
    }
    FolderSourceConfig folder;
    auto path = r.string("path");
    if (!path) {
        return std::move(path).error();
    }
    folder.path = resolve(base, *path);
    auto processed = r.string_or("processed_dir", (folder.path / "processed").string());
    auto failed = r.string_or("failed_dir", (folder.path / "failed").string());
    auto stable = r.duration_or("stable_for", std::chrono::seconds(5));
    auto poll = r.duration_or("poll", std::chrono::seconds(30));
    if (!processed || !failed || !stable || !poll) {
        return !processed ? processed.error()
               : !failed  ? failed.error()
               : !stable  ? stable.error()
                          : poll.error();
    }
    folder.processed_dir = resolve(base, *processed);
    folder.failed_dir = resolve(base, *failed);
    folder.stable_for = *stable;
    folder.poll = *poll;
    return SourceConfig{name, *type, folder};
}

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
    if (!valid_name(*name)) {
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
    e.plan.name = e.name;
    e.plan.fields = std::move(*fields);
    auto& identity = e.plan.identity;
    for (const auto& f : e.plan.fields) {
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
    e.plan.delta.full_read = e.snapshot;
    e.plan.delta.snapshot_dir = config.state_dir / "index";
    e.plan.delta.max_delete_fraction = *fraction;
    e.plan.delta.max_rows_per_set = static_cast<std::size_t>(*set_rows);
    // When an entity is read does not change what its rows mean.
    nlohmann::json meaning = r.json();
    meaning.erase("schedule");
    e.fingerprint = xxh3_128(meaning.dump()).to_hex();
    auto schedule = parse_schedule(r);
    if (!schedule) {
        return std::move(schedule).error();
    }
    e.schedule = std::move(*schedule);
    e.plan.fingerprint = e.fingerprint;
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

}  // namespace

std::string SecretRef::describe() const {
    switch (kind) {
        case Kind::env:
            return "environment variable " + name;
        case Kind::file:
            return "file " + name;
        case Kind::store:
            return "secret " + name;
    }
    return name;
}

Expected<SecretRef> parse_secret_ref(const config::Reader& parent, std::string_view key) {
    if (!parent.has(key)) {
        return parent.error(key, "is required");
    }
    auto value = parent.optional_object(key);
    if (!value) {
        return parent.error(key,
                            "must not be written in the config file; refer to it as "
                            "{\"secret\": \"NAME\"} (contractsync-agent secret set NAME), "
                            "{\"env\": \"VARIABLE\"} or {\"file\": \"PATH\"}");
    }
    if (auto st = value->allow_only({"secret", "env", "file"}); !st) {
        return std::move(st).error();
    }
    if (value->json().size() != 1) {
        return parent.error(key, "give exactly one of secret, env or file");
    }
    SecretRef ref;
    auto it = value->json().begin();
    if (!it.value().is_string() || it.value().get<std::string>().empty()) {
        return value->error(it.key(), "expected a non-empty string");
    }
    ref.name = it.value().get<std::string>();
    ref.kind = it.key() == "env"    ? SecretRef::Kind::env
               : it.key() == "file" ? SecretRef::Kind::file
                                    : SecretRef::Kind::store;
    return ref;
}

std::chrono::milliseconds source_poll(const SourceConfig& source) {
    return std::visit([](const auto& s) { return s.poll; }, source.settings);
}

const EntityConfig* AgentConfig::find_entity(const std::string& name) const {
    for (const auto& e : entities) {
        if (e.name == name) {
            return &e;
        }
    }
    return nullptr;
}

const SourceConfig* AgentConfig::find_source(const std::string& name) const {
    for (const auto& s : sources) {
        if (s.name == name) {
            return &s;
        }
    }
    return nullptr;
}

Expected<AgentConfig> parse_agent_config(const config::Document& doc, const fs::path& base_dir) {
    config::Reader root(doc);
    if (auto st = root.allow_only({"agent", "relay", "sources", "entities"}); !st) {
        return std::move(st).error();
    }
    AgentConfig config;
    config.path = doc.origin();
    config.state_dir = resolve(base_dir, "state");
    if (auto agent = root.optional_object("agent")) {
        if (auto st = agent->allow_only({"state_dir", "log", "secrets", "metrics"}); !st) {
            return std::move(st).error();
        }
        auto state = agent->string_or("state_dir", "state");
        if (!state) {
            return std::move(state).error();
        }
        config.state_dir = resolve(base_dir, *state);
        auto secrets = parse_secret_store(*agent, base_dir, config.state_dir);
        if (!secrets) {
            return std::move(secrets).error();
        }
        config.secrets = *secrets;
        auto log_options = parse_log(*agent, base_dir);
        if (!log_options) {
            return std::move(log_options).error();
        }
        config.log = *log_options;
        auto metrics = parse_metrics(*agent);
        if (!metrics) {
            return std::move(metrics).error();
        }
        config.metrics = *metrics;
    }
    if (config.secrets.dir.empty()) {
        config.secrets.dir = config.state_dir / "secrets";
        config.secrets.key_file = config.secrets.dir / "store.key";
    }
    config.log.name = "contractsync-agent";
    if (auto relay = root.optional_object("relay")) {
        auto parsed = parse_relay(*relay, base_dir);
        if (!parsed) {
            return std::move(parsed).error();
        }
        config.relay = *parsed;
    }
    if (auto sources = root.optional_object("sources")) {
        for (auto& [name, reader] : sources->members()) {
            if (!reader.json().is_object()) {
                return reader.error_here("expected an object");
            }
            auto source = parse_source(name, reader, base_dir);
            if (!source) {
                return std::move(source).error();
            }
            config.sources.push_back(std::move(*source));
        }
    }
    auto entities = root.objects("entities");
    if (!entities) {
        return std::move(entities).error();
    }
    // Parents must be declared before their children, which is also the order
    // their change sets are shipped in.
    for (const auto& r : *entities) {
        auto entity = parse_entity(r, config);
        if (!entity) {
            return std::move(entity).error();
        }
        if (config.find_entity(entity->name) != nullptr) {
            return r.error("name", fmt::format("entity '{}' is defined twice", entity->name));
        }
        config.entities.push_back(std::move(*entity));
    }
    point_at_secret_store(config);
    return config;
}

Expected<AgentConfig> load_agent_config(const fs::path& path, const char* const* env) {
    auto doc = config::Document::load(path);
    if (!doc) {
        return std::move(doc).error();
    }
    if (auto st = doc->apply_env_overrides("CONTRACTSYNC", env); !st) {
        return std::move(st).error();
    }
    fs::path base = fs::absolute(path).parent_path();
    return parse_agent_config(*doc, base);
}

}  // namespace cs::agent

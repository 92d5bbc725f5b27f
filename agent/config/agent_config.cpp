#include "agent/config/agent_config.hpp"

#include <algorithm>
#include <set>

#include "agent/config/config_paths.hpp"
#include "agent/config/entity_config.hpp"
#include "agent/config/odata_config.hpp"
#include "common/hash/hash128.hpp"

namespace cs::agent {
namespace {

namespace fs = std::filesystem;

fs::path resolve(const fs::path& base, const std::string& value) {
    return resolve_config_path(base, value);
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
    if (!valid_config_name(name)) {
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

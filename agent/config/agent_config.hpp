#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "agent/identity/identity.hpp"
#include "agent/normalize/field_spec.hpp"
#include "agent/schedule/daily_window.hpp"
#include "common/config/document.hpp"
#include "common/config/reader.hpp"
#include "common/csv/csv_options.hpp"
#include "common/log/log.hpp"
#include "common/xlsx/xlsx_options.hpp"

namespace cs::agent {

// Where the agent's encrypted secret store lives (`agent.secrets`). The key
// file is used on POSIX only; Windows protects the store with DPAPI.
struct SecretStoreLocation {
    std::filesystem::path dir;       // holds secrets.json
    std::filesystem::path key_file;  // AES-256 key, readable by the service account only
    std::filesystem::path file() const { return dir / "secrets.json"; }
};

// Where a secret comes from. Secrets are never written in the config file itself.
struct SecretRef {
    enum class Kind { env, file, store } kind = Kind::env;
    std::string name;           // variable name, file path or secret-store name
    SecretStoreLocation store;  // for Kind::store: filled in from the config's agent.secrets
    std::string describe() const;
};

struct FolderSourceConfig {
    std::filesystem::path path;
    std::filesystem::path processed_dir;
    std::filesystem::path failed_dir;
    std::chrono::milliseconds stable_for{5000};  // size and mtime unchanged this long
    std::chrono::milliseconds poll{30000};
};

enum class OdataAuth { token_v2, consumer_key, token_v1, bearer, basic, none };
enum class OdataPaging { client, server };  // $top/$skip windows, or @odata.nextLink only

// A P21 middleware server or any OData v4 service (docs/p21-source.md).
struct OdataSourceConfig {
    std::string base_url;  // scheme://host[:port][/prefix], no trailing slash
    // Resource paths under base_url; {table}, {view} and {name} become the entity's name.
    std::string table_path = "/odataservice/odata/table/{table}";
    std::string view_path = "/odataservice/odata/view/{view}";
    std::string dataservice_path = "/api/dataservices/{view}";
    std::string entity_set_path = "/{name}";
    OdataAuth auth = OdataAuth::token_v2;
    std::string username;
    std::optional<SecretRef> password;      // token_v2, token_v1, basic
    std::optional<SecretRef> consumer_key;  // consumer_key
    std::optional<SecretRef> token;         // bearer
    std::string token_v2_path = "/api/security/token/v2";
    std::string token_v1_path = "/api/security/token";
    bool verify_tls = true;
    std::filesystem::path ca_file;
    std::string proxy;  // "" environment, "direct", or http://host:port
    OdataPaging paging = OdataPaging::client;
    std::size_t page_size = 1000;
    std::string time_zone = "UTC";  // the server's zone for datetimes without an offset
    int requests_per_minute = 300;
    int requests_per_hour = 10'000;
    int max_in_flight = 1;
    int retries = 5;  // per request, for timeouts, 429 and 5xx
    std::chrono::milliseconds timeout{60'000};
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_max{30'000};
    std::chrono::milliseconds poll{std::chrono::minutes(5)};
};

struct SourceConfig {
    std::string name;
    std::string type;  // folder | p21 | odata
    std::variant<FolderSourceConfig, OdataSourceConfig> settings;
};

// How often `run` looks at the source.
std::chrono::milliseconds source_poll(const SourceConfig& source);

enum class OdataResource { table, view, dataservice, entity_set };

// The OData part of an entity: which resource it reads and how.
struct OdataEntityConfig {
    OdataResource resource = OdataResource::table;
    std::string name;  // table, view or entity set name
    // Poll `modified_column` after the first full read; false reads everything each run.
    bool incremental = true;
    std::string modified_column = "date_last_modified";
    std::chrono::milliseconds look_back{std::chrono::minutes(10)};
    // A key-only full read that finds deleted rows; 0 never sweeps.
    std::chrono::milliseconds key_sweep{std::chrono::hours(24)};
    std::string filter;                    // an extra $filter, ANDed with the watermark
    std::vector<std::string> select;       // source columns: every field's `from`
    std::vector<std::string> key_columns;  // source columns of the key fields
    std::size_t page_size = 0;             // 0: the source's
};

enum class FileFormat { automatic, csv, xlsx };

// When `run` reads an entity (docs/agent.md, "Scheduling").
struct EntityScheduleConfig {
    std::optional<std::chrono::milliseconds> every;  // none: the source's poll
    std::optional<schedule::DailyWindow> window;     // none: at any time of day
};

struct EntityConfig {
    std::string name;
    std::string source;
    std::vector<std::string> patterns;  // file name globs for folder sources
    FileFormat format = FileFormat::automatic;
    CsvOptions csv;
    XlsxOptions xlsx;
    std::string fingerprint;  // hash of the entity's configuration: a change re-reads files
    bool snapshot = true;     // a file is the full set of rows: keys missing from it are deleted
    std::vector<std::string> key;
    std::string parent;
    std::map<std::string, std::string> parent_key;  // parent field -> child field
    std::string rowversion;
    std::optional<OdataEntityConfig> odata;  // set for entities of p21/odata sources
    EntityScheduleConfig schedule;
    std::vector<FieldSpec> fields;     // normalize/map/validate rules, in entity order
    IdentitySpec identity;             // the same fields as wire schema, key, parent, rowversion
    double max_delete_fraction = 0.5;  // a full read deleting more is refused without force
    std::size_t change_set_rows = 20'000;  // rows per change set at most
    std::filesystem::path index_dir;       // where the key index is kept between runs
};

struct RelayConfig {
    std::string url;
    SecretRef site_key;
    std::filesystem::path ca_file;
    std::string proxy;
    std::size_t window = 8;
};

// `agent.metrics`: a Prometheus endpoint on the loopback interface only (the
// agent never listens on the network). Off unless `listen` is given.
struct MetricsConfig {
    std::string host;        // 127.0.0.1, ::1 or localhost
    std::uint16_t port = 0;  // 0: any free port (the log says which)
};

struct AgentConfig {
    std::filesystem::path path;       // the config file
    std::filesystem::path state_dir;  // holds state.db
    SecretStoreLocation secrets;      // default: <state_dir>/secrets
    log::Options log;
    std::optional<MetricsConfig> metrics;  // GET /metrics, off by default
    std::optional<RelayConfig> relay;
    std::vector<SourceConfig> sources;
    std::vector<EntityConfig> entities;  // in dependency order: parents before children

    const EntityConfig* find_entity(const std::string& name) const;
    const SourceConfig* find_source(const std::string& name) const;
    std::filesystem::path state_db() const { return state_dir / "state.db"; }
};

// Loads and validates the whole file: every error names file, line and key.
// `env` (environ) supplies CONTRACTSYNC__... overrides; nullptr for none.
Expected<AgentConfig> load_agent_config(const std::filesystem::path& path, const char* const* env);
Expected<AgentConfig> parse_agent_config(const config::Document& doc,
                                         const std::filesystem::path& base_dir);

Expected<SecretRef> parse_secret_ref(const config::Reader& parent, std::string_view key);

}  // namespace cs::agent

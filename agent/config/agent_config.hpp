#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "agent/delta/delta_writer.hpp"
#include "agent/identity/identity.hpp"
#include "agent/normalize/field_spec.hpp"
#include "agent/pipeline/entity_sync.hpp"
#include "common/config/document.hpp"
#include "common/config/reader.hpp"
#include "common/csv/csv_options.hpp"
#include "common/log/log.hpp"
#include "common/xlsx/xlsx_options.hpp"

namespace cs::agent {

// Where a secret comes from. Secrets are never written in the config file itself.
struct SecretRef {
    enum class Kind { env, file, store } kind = Kind::env;
    std::string name;  // variable name, file path or secret-store name
    std::string describe() const;
};

struct FolderSourceConfig {
    std::filesystem::path path;
    std::filesystem::path processed_dir;
    std::filesystem::path failed_dir;
    std::chrono::milliseconds stable_for{5000};  // size and mtime unchanged this long
    std::chrono::milliseconds poll{30000};
};

struct SourceConfig {
    std::string name;
    std::string type;  // folder | (p21, odata in later versions)
    std::variant<FolderSourceConfig> settings;
};

enum class FileFormat { automatic, csv, xlsx };

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
    EntityPlan plan;  // fields, identity, delta options
};

struct RelayConfig {
    std::string url;
    SecretRef site_key;
    std::filesystem::path ca_file;
    std::string proxy;
    std::size_t window = 8;
};

struct AgentConfig {
    std::filesystem::path path;       // the config file
    std::filesystem::path state_dir;  // holds state.db
    log::Options log;
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

#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"

namespace cs::config {

// A parsed configuration file that remembers where every key came from, so errors
// can say "agent.json:12: relay.url: expected a string".
class Document {
public:
    // Parses JSON that may contain // and /* */ comments. `origin` names the
    // source in messages (usually the file path).
    static Expected<Document> parse(std::string_view text, std::string origin);
    static Expected<Document> load(const std::filesystem::path& path);

    const nlohmann::json& root() const { return root_; }
    const std::string& origin() const { return origin_; }

    // Applies overrides from the environment: PREFIX__RELAY__URL=wss://x sets
    // relay.url. Path segments are lowercased; numeric segments index arrays.
    // Values that parse as JSON are used as such, anything else as a string.
    // `env` is a list of "NAME=value" strings (environ on POSIX).
    Status apply_env_overrides(std::string_view prefix, const char* const* env);

    // "agent.json:12" or "environment variable CONTRACTSYNC__RELAY__URL".
    std::string where(const std::string& pointer) const;
    // An error that names where the key came from and the key in dotted form.
    Error error_at(const std::string& pointer, std::string_view why) const;

private:
    nlohmann::json root_;
    std::string origin_;
    std::map<std::string, int> lines_;             // JSON pointer -> 1-based line
    std::map<std::string, std::string> env_keys_;  // JSON pointer -> environment variable
};

// "/entities/2/fields/0/name" -> "entities[2].fields[0].name"
std::string dotted(std::string_view pointer);

}  // namespace cs::config

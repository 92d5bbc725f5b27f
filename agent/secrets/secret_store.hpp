#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/config/agent_config.hpp"
#include "agent/secrets/secret_sealer.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::secrets {

struct SecretEntry {
    std::string name;
    std::string updated_at;  // ISO 8601, UTC
};

// The agent's encrypted secret store: one JSON file (`secrets.json`) of
// sealed values keyed by name (docs/secrets.md). Values are sealed by the
// platform's SecretSealer; the file never holds a value in plain text. Writes
// replace the file atomically, so a running service reads either the old or
// the new store.
class SecretStore {
public:
    // Opens the store for reading (`create` false: a missing key is an error)
    // or for changes (`create` true: the folder and the key are made if missing).
    static Expected<SecretStore> open(const SecretStoreLocation& where, bool create);

    Expected<std::string> get(const std::string& name) const;
    Status set(const std::string& name, std::string_view value);
    // Returns false when there was no such secret.
    Expected<bool> remove(const std::string& name);
    Expected<std::vector<SecretEntry>> list() const;

    const SecretStoreLocation& location() const { return where_; }

private:
    SecretStore(SecretStoreLocation where, std::unique_ptr<SecretSealer> sealer)
        : where_(std::move(where)), sealer_(std::move(sealer)) {}

    SecretStoreLocation where_;
    std::shared_ptr<SecretSealer> sealer_;
};

// Secret names: letters, digits, '.', '_' and '-', at most 64 characters.
Status check_secret_name(std::string_view name);

}  // namespace cs::agent::secrets

#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "agent/config/agent_config.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::secrets {

// Encrypts and decrypts the values of the secret store. Each platform has one
// (agent/secrets/posix: AES-256-GCM with a key file; agent/secrets/windows:
// DPAPI, machine scope). `label` (the secret's name) is bound to the sealed
// bytes, so a value copied under another name does not open.
class SecretSealer {
public:
    virtual ~SecretSealer() = default;
    // Written into the store file, so a store moved to another platform is
    // refused with a clear message instead of failing to decrypt.
    virtual std::string_view scheme() const = 0;
    // A short fingerprint of the key (empty where the platform keeps the key):
    // tells "the key file was replaced" apart from "the file was damaged".
    virtual std::string key_id() const = 0;
    virtual std::string key_description() const = 0;
    virtual Expected<std::string> seal(std::string_view label, std::string_view plain) const = 0;
    virtual Expected<std::string> unseal(std::string_view label, std::string_view sealed) const = 0;
};

// The platform's sealer for the store at `where`. With `create`, a missing key
// is generated (by `secret set`); otherwise a missing key is an error.
Expected<std::unique_ptr<SecretSealer>> open_sealer(const SecretStoreLocation& where, bool create);

}  // namespace cs::agent::secrets

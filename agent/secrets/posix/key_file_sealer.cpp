// POSIX secret sealing: AES-256-GCM with a random 256-bit key in a file only
// the service account can read (common/crypto). The key file is what protects
// the store: whoever can read it can read every secret, which is why it is
// refused when other users can read it, and why backups should keep it apart
// from the store (docs/secrets.md).
#include <system_error>

#include "agent/platform/file_access.hpp"
#include "agent/secrets/secret_sealer.hpp"
#include "common/crypto/key_file.hpp"

namespace cs::agent::secrets {
namespace {

namespace fs = std::filesystem;

class KeyFileSealer final : public SecretSealer {
public:
    KeyFileSealer(fs::path path, crypto::SealingKey key)
        : path_(std::move(path)), key_(std::move(key)) {}

    std::string_view scheme() const override { return "aes-256-gcm"; }
    std::string key_id() const override { return key_.key_id(); }
    std::string key_description() const override { return "the key file " + path_.string(); }

    Expected<std::string> seal(std::string_view label, std::string_view plain) const override {
        return key_.seal(label, plain);
    }

    Expected<std::string> unseal(std::string_view label, std::string_view sealed) const override {
        return key_.unseal(label, sealed, key_description());
    }

private:
    fs::path path_;
    crypto::SealingKey key_;
};

}  // namespace

Expected<std::unique_ptr<SecretSealer>> open_sealer(const SecretStoreLocation& where, bool create) {
    std::error_code ec;
    if (!fs::exists(where.key_file, ec)) {
        if (!create) {
            return make_error(ErrorCode::not_found,
                              "secret store key {} does not exist; no secret has been set on "
                              "this machine (contractsync-agent secret set NAME)",
                              where.key_file.string());
        }
        fs::create_directories(where.key_file.parent_path(), ec);
        auto created = crypto::create_key_file(where.key_file);
        if (!created) {
            return std::move(created).error().wrap("secret store");
        }
        if (*created) {
            if (auto st = platform::restrict_to_service(where.key_file, false); !st) {
                return std::move(st).error();
            }
        }
    }
    auto key = crypto::read_key_file(where.key_file);
    if (!key) {
        return std::move(key).error().wrap("secret store");
    }
    return std::unique_ptr<SecretSealer>(
        std::make_unique<KeyFileSealer>(where.key_file, std::move(*key)));
}

}  // namespace cs::agent::secrets

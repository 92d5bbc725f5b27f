#pragma once

// A 256-bit key that seals values with AES-256-GCM: the agent's secret store
// on POSIX, and the relay's secrets at rest (webhook signing secrets). A sealed
// value is nonce (12 bytes) | ciphertext | tag (16 bytes). Each value is bound
// to a label (e.g. the secret's name, or "webhook:<tenant id>"), so bytes
// copied under another label do not open.
#include <array>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::crypto {

class SealingKey {
public:
    static constexpr std::size_t kBytes = 32;

    // A new key from the system's random generator.
    static Expected<SealingKey> generate();
    // Parses a key file's text ("contractsync-secret-key/1 <base64>", an
    // optional line end); `where` names the file in errors.
    static Expected<SealingKey> parse(std::string_view text, std::string_view where);

    SealingKey(const SealingKey&) = delete;
    SealingKey& operator=(const SealingKey&) = delete;
    SealingKey(SealingKey&& other) noexcept;
    SealingKey& operator=(SealingKey&& other) noexcept;
    ~SealingKey();

    // The key file's text, with a line end.
    std::string text() const;
    // 16 hex digits of the key's SHA-256: names the key without revealing it,
    // so "sealed with another key" is told apart from "damaged".
    const std::string& key_id() const { return key_id_; }

    Expected<std::string> seal(std::string_view label, std::string_view plain) const;
    // `key_description` (e.g. "the key file /etc/...") goes into the error
    // when the value does not open.
    Expected<std::string> unseal(std::string_view label, std::string_view sealed,
                                 std::string_view key_description) const;

private:
    explicit SealingKey(const std::array<unsigned char, kBytes>& key);

    std::array<unsigned char, kBytes> key_{};
    std::string key_id_;
};

}  // namespace cs::crypto

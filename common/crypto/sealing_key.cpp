#include "common/crypto/sealing_key.hpp"

#include <algorithm>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "common/text/base64.hpp"
#include "common/text/hex.hpp"

namespace cs::crypto {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::string_view kHeader = "contractsync-secret-key/1 ";

struct CipherContext {
    CipherContext() : ctx(EVP_CIPHER_CTX_new()) {}
    ~CipherContext() { EVP_CIPHER_CTX_free(ctx); }
    CipherContext(const CipherContext&) = delete;
    CipherContext& operator=(const CipherContext&) = delete;
    EVP_CIPHER_CTX* ctx;
};

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

std::string aad_for(std::string_view label) {
    return "contractsync-secret:" + std::string(label);
}

std::string hex_id(const std::array<unsigned char, SealingKey::kBytes>& key) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(key.data(), key.size(), digest);
    return text::to_hex(digest, 8);
}

void cleanse(std::string& s) {
    OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace

SealingKey::SealingKey(const std::array<unsigned char, kBytes>& key)
    : key_(key), key_id_(hex_id(key)) {}

SealingKey::SealingKey(SealingKey&& other) noexcept
    : key_(other.key_), key_id_(std::move(other.key_id_)) {
    OPENSSL_cleanse(other.key_.data(), other.key_.size());
}

SealingKey& SealingKey::operator=(SealingKey&& other) noexcept {
    if (this != &other) {
        key_ = other.key_;
        key_id_ = std::move(other.key_id_);
        OPENSSL_cleanse(other.key_.data(), other.key_.size());
    }
    return *this;
}

SealingKey::~SealingKey() {
    OPENSSL_cleanse(key_.data(), key_.size());
}

Expected<SealingKey> SealingKey::generate() {
    std::array<unsigned char, kBytes> key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
        return make_error(ErrorCode::internal, "no random bytes for a new key");
    }
    SealingKey out(key);
    OPENSSL_cleanse(key.data(), key.size());
    return out;
}

Expected<SealingKey> SealingKey::parse(std::string_view text, std::string_view where) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    std::optional<std::string> decoded;
    if (text.starts_with(kHeader)) {
        decoded = text::base64_decode(text.substr(kHeader.size()));
    }
    if (!decoded || decoded->size() != kBytes) {
        if (decoded) {
            cleanse(*decoded);
        }
        return make_error(ErrorCode::parse_error,
                          "{} is not a ContractSync key file (expected \"{}\" and 32 bytes in "
                          "base64)",
                          where, kHeader.substr(0, kHeader.size() - 1));
    }
    std::array<unsigned char, kBytes> key{};
    std::copy_n(decoded->begin(), kBytes, key.begin());
    cleanse(*decoded);
    SealingKey out(key);
    OPENSSL_cleanse(key.data(), key.size());
    return out;
}

std::string SealingKey::text() const {
    std::string raw(reinterpret_cast<const char*>(key_.data()), key_.size());
    std::string out = std::string(kHeader) + text::base64_encode(raw) + "\n";
    cleanse(raw);
    return out;
}

Expected<std::string> SealingKey::seal(std::string_view label, std::string_view plain) const {
    std::string out(kNonceBytes + plain.size() + kTagBytes, '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    if (RAND_bytes(nonce, static_cast<int>(kNonceBytes)) != 1) {
        return make_error(ErrorCode::internal, "no random bytes for a nonce");
    }
    CipherContext c;
    std::string aad = aad_for(label);
    int len = 0;
    auto* cipher = nonce + kNonceBytes;
    bool good =
        c.ctx != nullptr &&
        EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1 &&
        EVP_EncryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1 &&
        EVP_EncryptUpdate(c.ctx, cipher, &len, bytes(plain), static_cast<int>(plain.size())) == 1 &&
        EVP_EncryptFinal_ex(c.ctx, cipher + len, &len) == 1 &&
        EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                            cipher + plain.size()) == 1;
    if (!good) {
        cleanse(out);
        return make_error(ErrorCode::internal, "AES-256-GCM encryption failed");
    }
    return out;
}

Expected<std::string> SealingKey::unseal(std::string_view label, std::string_view sealed,
                                         std::string_view key_description) const {
    if (sealed.size() < kNonceBytes + kTagBytes) {
        return make_error(ErrorCode::parse_error, "the sealed value is too short (damaged)");
    }
    std::size_t n = sealed.size() - kNonceBytes - kTagBytes;
    std::string plain(n, '\0');
    std::string tag(sealed.substr(kNonceBytes + n));
    CipherContext c;
    std::string aad = aad_for(label);
    int len = 0;
    auto* out = reinterpret_cast<unsigned char*>(plain.data());
    bool good =
        c.ctx != nullptr &&
        EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, key_.data(), bytes(sealed)) == 1 &&
        EVP_DecryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1 &&
        EVP_DecryptUpdate(c.ctx, out, &len, bytes(sealed) + kNonceBytes, static_cast<int>(n)) ==
            1 &&
        EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag.data()) ==
            1;
    // The tag check happens here: a wrong key, a wrong label and a changed
    // byte look alike.
    if (!good || EVP_DecryptFinal_ex(c.ctx, out + len, &len) != 1) {
        cleanse(plain);
        return make_error(ErrorCode::unauthorized,
                          "cannot be decrypted with {}: the key is not the one it was sealed "
                          "with, or the value was altered",
                          key_description);
    }
    return plain;
}

}  // namespace cs::crypto

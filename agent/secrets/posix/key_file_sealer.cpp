// POSIX secret sealing: AES-256-GCM (OpenSSL) with a random 256-bit key in a
// file only the service account can read. The key file is what protects the
// store: whoever can read it can read every secret, which is why it is refused
// when other users can read it, and why backups should keep it apart from the
// store (docs/secrets.md).
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/platform/file_access.hpp"
#include "agent/secrets/secret_sealer.hpp"

namespace cs::agent::secrets {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::string_view kKeyHeader = "contractsync-secret-key/1 ";

using Key = std::array<unsigned char, kKeyBytes>;

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

std::string hex(const unsigned char* data, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0xf];
    }
    return out;
}

class KeyFileSealer final : public SecretSealer {
public:
    KeyFileSealer(fs::path path, const Key& key) : path_(std::move(path)), key_(key) {
        unsigned char digest[SHA256_DIGEST_LENGTH];
        SHA256(key_.data(), key_.size(), digest);
        key_id_ = hex(digest, 8);
    }
    ~KeyFileSealer() override { OPENSSL_cleanse(key_.data(), key_.size()); }

    std::string_view scheme() const override { return "aes-256-gcm"; }
    std::string key_id() const override { return key_id_; }
    std::string key_description() const override { return "the key file " + path_.string(); }

    Expected<std::string> seal(std::string_view label, std::string_view plain) const override {
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
            EVP_EncryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) ==
                1 &&
            EVP_EncryptUpdate(c.ctx, cipher, &len, bytes(plain), static_cast<int>(plain.size())) ==
                1 &&
            EVP_EncryptFinal_ex(c.ctx, cipher + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                                cipher + plain.size()) == 1;
        if (!good) {
            return make_error(ErrorCode::internal, "AES-256-GCM encryption failed");
        }
        return out;
    }

    Expected<std::string> unseal(std::string_view label, std::string_view sealed) const override {
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
        bool good = c.ctx != nullptr &&
                    EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, key_.data(),
                                       bytes(sealed)) == 1 &&
                    EVP_DecryptUpdate(c.ctx, nullptr, &len, bytes(aad),
                                      static_cast<int>(aad.size())) == 1 &&
                    EVP_DecryptUpdate(c.ctx, out, &len, bytes(sealed) + kNonceBytes,
                                      static_cast<int>(n)) == 1 &&
                    EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                                        tag.data()) == 1;
        // The tag check happens here: a wrong key and a changed byte look alike.
        if (!good || EVP_DecryptFinal_ex(c.ctx, out + len, &len) != 1) {
            OPENSSL_cleanse(plain.data(), plain.size());
            return make_error(ErrorCode::unauthorized,
                              "cannot be decrypted with {}: the key is not the one it was "
                              "sealed with, or the store was altered",
                              key_description());
        }
        return plain;
    }

private:
    fs::path path_;
    Key key_;
    std::string key_id_;
};

Expected<Key> read_key(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return make_error(ErrorCode::not_found, "secret store key {}: {}", path.string(),
                          std::strerror(errno));
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        return make_error(ErrorCode::unauthorized,
                          "secret store key {} can be read by other users (mode {:o}); it must "
                          "be readable by the agent's account only: chmod 600 {}",
                          path.string(), st.st_mode & 07777, path.string());
    }
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
        return make_error(ErrorCode::io_error, "secret store key {}: cannot read it",
                          path.string());
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    Key key{};
    std::array<unsigned char, 48> decoded{};
    bool good = text.size() == kKeyHeader.size() + 44 && text.starts_with(kKeyHeader) &&
                EVP_DecodeBlock(decoded.data(), bytes(text) + kKeyHeader.size(), 44) == 33;
    if (!good) {
        OPENSSL_cleanse(text.data(), text.size());
        return make_error(ErrorCode::parse_error,
                          "secret store key {} is not a ContractSync key file", path.string());
    }
    std::copy_n(decoded.begin(), kKeyBytes, key.begin());
    OPENSSL_cleanse(decoded.data(), decoded.size());
    OPENSSL_cleanse(text.data(), text.size());
    return key;
}

Status create_key(const fs::path& path) {
    Key key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
        return make_error(ErrorCode::internal, "no random bytes for a new key");
    }
    std::array<char, 48> encoded{};
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), key.data(),
                    static_cast<int>(key.size()));
    OPENSSL_cleanse(key.data(), key.size());
    std::string text = std::string(kKeyHeader) + encoded.data() + "\n";
    OPENSSL_cleanse(encoded.data(), encoded.size());
    // O_EXCL: two `secret set` at once must not each write a key of their own.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int err = errno;
        OPENSSL_cleanse(text.data(), text.size());
        return err == EEXIST ? ok()
                             : make_error(ErrorCode::io_error, "secret store key {}: {}",
                                          path.string(), std::strerror(err));
    }
    bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                   ::fsync(fd) == 0;
    ::close(fd);
    OPENSSL_cleanse(text.data(), text.size());
    if (!written) {
        ::unlink(path.c_str());
        return make_error(ErrorCode::io_error, "secret store key {}: cannot write it",
                          path.string());
    }
    return platform::restrict_to_service(path, false);
}

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
        if (auto st = create_key(where.key_file); !st) {
            return std::move(st).error();
        }
    }
    auto key = read_key(where.key_file);
    if (!key) {
        return std::move(key).error();
    }
    auto sealer = std::make_unique<KeyFileSealer>(where.key_file, *key);
    OPENSSL_cleanse(key->data(), key->size());
    return std::unique_ptr<SecretSealer>(std::move(sealer));
}

}  // namespace cs::agent::secrets

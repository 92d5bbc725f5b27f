#include "relay/api/auth/password.hpp"

#include <mutex>

#include <argon2.h>
#include <openssl/rand.h>

namespace cs::relay::api {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

}  // namespace

Status check_password_policy(std::string_view password) {
    if (password.size() < 12) {
        return make_error(ErrorCode::invalid_argument,
                          "the password must be at least 12 characters long");
    }
    if (password.size() > 256) {
        return make_error(ErrorCode::invalid_argument,
                          "the password must be at most 256 bytes long");
    }
    return ok();
}

Expected<std::string> hash_password(std::string_view password, const PasswordCost& cost) {
    unsigned char salt[kSaltBytes];
    if (RAND_bytes(salt, sizeof(salt)) != 1) {
        return make_error(ErrorCode::internal, "the system random generator failed");
    }
    std::size_t length = argon2_encodedlen(cost.iterations, cost.memory_kib, cost.parallelism,
                                           kSaltBytes, kHashBytes, Argon2_id);
    std::string encoded(length, '\0');
    int rc = argon2id_hash_encoded(cost.iterations, cost.memory_kib, cost.parallelism,
                                   password.data(), password.size(), salt, sizeof(salt), kHashBytes,
                                   encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        return make_error(ErrorCode::internal, "hashing the password: {}",
                          argon2_error_message(rc));
    }
    encoded.resize(encoded.find('\0'));
    return encoded;
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
    std::string hash(stored_hash);  // argon2 wants a NUL-terminated string
    return argon2id_verify(hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

const std::string& decoy_hash(const PasswordCost& cost) {
    static std::once_flag once;
    static std::string hash;
    std::call_once(once, [&] {
        unsigned char random[24];
        (void)RAND_bytes(random, sizeof(random));
        auto h = hash_password(std::string_view(reinterpret_cast<const char*>(random), 24), cost);
        hash =
            h ? *h : std::string("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA");
    });
    return hash;
}

}  // namespace cs::relay::api

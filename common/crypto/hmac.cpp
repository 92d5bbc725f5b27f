#include "common/crypto/hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace cs::crypto {

std::string hmac_sha256(std::string_view key, std::string_view message) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
    return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : hmac_sha256(key, message)) {
        out += digits[c >> 4];
        out += digits[c & 0xf];
    }
    return out;
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cs::crypto

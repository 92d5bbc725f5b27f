#include "relay/sites/site_key.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

namespace cs::relay::sites {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const unsigned char* data, std::size_t size) {
    std::string out;
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (size - i == 1) {
        std::uint32_t v = data[i] << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
    } else if (size - i == 2) {
        std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

bool is_base64url_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

}  // namespace

Expected<NewSiteKey> generate_site_key() {
    unsigned char random[kSiteKeyRandomBytes];
    if (RAND_bytes(random, sizeof(random)) != 1) {
        return make_error(ErrorCode::internal, "the system random generator failed");
    }
    NewSiteKey key;
    key.key = std::string(kSiteKeyPrefix) + base64url(random, sizeof(random));
    key.hash = hash_site_key(key.key);
    key.display = display_prefix(key.key);
    return key;
}

std::string hash_site_key(std::string_view key) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
    return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

bool is_well_formed_site_key(std::string_view key) {
    if (key.size() != kSiteKeyLength || key.substr(0, kSiteKeyPrefix.size()) != kSiteKeyPrefix) {
        return false;
    }
    for (char c : key.substr(kSiteKeyPrefix.size())) {
        if (!is_base64url_char(c)) {
            return false;
        }
    }
    return true;
}

std::string display_prefix(std::string_view key) {
    // Six random characters (36 bits) identify a key to a human without helping
    // anyone guess the other 222 bits.
    constexpr std::size_t kShown = 6;
    if (!is_well_formed_site_key(key)) {
        return "(malformed key)";
    }
    return std::string(key.substr(0, kSiteKeyPrefix.size() + kShown)) + "...";
}

Expected<std::string> bearer_token(std::string_view authorization) {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.empty()) {
        return make_error(ErrorCode::unauthorized,
                          "missing Authorization header (expected 'Bearer cs_site_...')");
    }
    if (authorization.size() < kScheme.size() ||
        authorization.substr(0, kScheme.size()) != kScheme) {
        return make_error(ErrorCode::unauthorized,
                          "the Authorization header must use the Bearer scheme");
    }
    auto token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    while (!token.empty() && token.back() == ' ') {
        token.remove_suffix(1);
    }
    if (!is_well_formed_site_key(token)) {
        return make_error(ErrorCode::unauthorized, "the bearer token is not a site key");
    }
    return std::string(token);
}

}  // namespace cs::relay::sites

#include "relay/sites/site_key.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "common/text/base64.hpp"

namespace cs::relay::sites {

Expected<NewSiteKey> generate_secret_token(std::string_view prefix) {
    unsigned char random[kSiteKeyRandomBytes];
    if (RAND_bytes(random, sizeof(random)) != 1) {
        return make_error(ErrorCode::internal, "the system random generator failed");
    }
    NewSiteKey key;
    key.key = std::string(prefix) + text::base64url_encode(std::string_view(
                                        reinterpret_cast<const char*>(random), sizeof(random)));
    key.hash = hash_site_key(key.key);
    key.display = display_prefix(key.key, prefix);
    return key;
}

Expected<NewSiteKey> generate_site_key() {
    return generate_secret_token(kSiteKeyPrefix);
}

std::string hash_site_key(std::string_view key) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
    return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

bool is_well_formed_token(std::string_view key, std::string_view prefix) {
    if (key.size() != prefix.size() + kTokenRandomChars || key.substr(0, prefix.size()) != prefix) {
        return false;
    }
    for (char c : key.substr(prefix.size())) {
        if (!text::is_base64url_char(c)) {
            return false;
        }
    }
    return true;
}

bool is_well_formed_site_key(std::string_view key) {
    return is_well_formed_token(key, kSiteKeyPrefix);
}

std::string display_prefix(std::string_view key, std::string_view prefix) {
    // Six random characters (36 bits) identify a key to a human without helping
    // anyone guess the other 222 bits.
    constexpr std::size_t kShown = 6;
    if (!is_well_formed_token(key, prefix)) {
        return "(malformed key)";
    }
    return std::string(key.substr(0, prefix.size() + kShown)) + "...";
}

Expected<std::string> bearer_token_text(std::string_view authorization) {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.empty()) {
        return make_error(ErrorCode::unauthorized, "missing Authorization header");
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
    return std::string(token);
}

Expected<std::string> bearer_token(std::string_view authorization) {
    if (authorization.empty()) {
        return make_error(ErrorCode::unauthorized,
                          "missing Authorization header (expected 'Bearer cs_site_...')");
    }
    auto token = bearer_token_text(authorization);
    if (!token) {
        return token;
    }
    if (!is_well_formed_site_key(*token)) {
        return make_error(ErrorCode::unauthorized, "the bearer token is not a site key");
    }
    return token;
}

}  // namespace cs::relay::sites

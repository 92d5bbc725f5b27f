#pragma once

#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::relay::sites {

inline constexpr std::string_view kSiteKeyPrefix = "cs_site_";
inline constexpr std::size_t kSiteKeyRandomBytes = 32;
inline constexpr std::size_t kTokenRandomChars = 43;  // unpadded base64url of 32 bytes
inline constexpr std::size_t kSiteKeyLength = 8 + kTokenRandomChars;

// A freshly generated site key: shown once, stored only as its hash.
struct NewSiteKey {
    std::string key;      // "cs_site_" + 43 base64url characters; never logged
    std::string hash;     // SHA-256 of `key`, 32 raw bytes
    std::string display;  // "cs_site_AbCdEf...": safe to show and log
};

// 32 bytes from OpenSSL's CSPRNG.
Expected<NewSiteKey> generate_site_key();
// The same for other bearer secrets (API tokens, portal sessions): `prefix` +
// 43 base64url characters, with its SHA-256 and a display form.
Expected<NewSiteKey> generate_secret_token(std::string_view prefix);
bool is_well_formed_token(std::string_view key, std::string_view prefix);

// SHA-256 of the key text, 32 raw bytes.
std::string hash_site_key(std::string_view key);

// Cheap shape check before any database lookup: prefix, length, alphabet.
bool is_well_formed_site_key(std::string_view key);

// The part of a key that may appear in logs and listings.
std::string display_prefix(std::string_view key, std::string_view prefix = kSiteKeyPrefix);

// The token of an "Authorization: Bearer <token>" header value, unchecked.
Expected<std::string> bearer_token_text(std::string_view authorization);
// Extracts the key from an "Authorization: Bearer <key>" header value.
Expected<std::string> bearer_token(std::string_view authorization);

}  // namespace cs::relay::sites

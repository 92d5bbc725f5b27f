#pragma once

#include <string>
#include <string_view>

namespace cs::crypto {

// HMAC-SHA256 of `message` under `key`: 32 raw bytes, or 64 lowercase hex
// digits.
std::string hmac_sha256(std::string_view key, std::string_view message);
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Compares in time independent of where the inputs differ.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace cs::crypto

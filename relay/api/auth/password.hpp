#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::relay::api {

struct PasswordCost {
    std::uint32_t memory_kib = 64u << 10;
    std::uint32_t iterations = 3;
    std::uint32_t parallelism = 1;
};

// Passwords are 12 to 256 bytes of any characters; longer ones are refused
// rather than truncated.
Status check_password_policy(std::string_view password);

// argon2id with a fresh 16-byte salt, as a PHC string ($argon2id$v=19$...).
Expected<std::string> hash_password(std::string_view password, const PasswordCost& cost);
// True when `password` matches; the cost is read from the stored string.
bool verify_password(std::string_view stored_hash, std::string_view password);

// A hash of a random password that nobody knows, for verifying against when the
// account does not exist, so unknown and known e-mails take the same time.
const std::string& decoy_hash(const PasswordCost& cost);

}  // namespace cs::relay::api

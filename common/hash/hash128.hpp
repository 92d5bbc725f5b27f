#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs {

// A 128-bit digest in canonical (big-endian) byte order, so its hex form and
// its bytes are the same on every platform.
struct Hash128 {
    std::array<std::uint8_t, 16> bytes{};

    std::string to_hex() const;  // 32 lowercase hex characters
    static Expected<Hash128> from_hex(std::string_view hex);
    bool is_zero() const;

    friend auto operator<=>(const Hash128&, const Hash128&) = default;
};

// XXH3-128 of raw bytes.
Hash128 xxh3_128(std::string_view bytes);
// XXH3-128 with a seed, for hashes that must differ by context.
Hash128 xxh3_128(std::string_view bytes, std::uint64_t seed);
std::uint64_t xxh3_64(std::string_view bytes);

}  // namespace cs

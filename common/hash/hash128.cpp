#include "common/hash/hash128.hpp"

#include <xxhash.h>

namespace cs {

std::string Hash128::to_hex() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(32, '0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        out[2 * i] = kDigits[bytes[i] >> 4];
        out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
    }
    return out;
}

Expected<Hash128> Hash128::from_hex(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    if (hex.size() != 32) {
        return make_error(ErrorCode::parse_error, "hash '{}' must be 32 hex characters", hex);
    }
    Hash128 out;
    for (std::size_t i = 0; i < 16; ++i) {
        int hi = nibble(hex[2 * i]);
        int lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return make_error(ErrorCode::parse_error, "hash '{}' has a non-hex character", hex);
        }
        out.bytes[i] = static_cast<std::uint8_t>((hi << 4) | lo);
    }
    return out;
}

bool Hash128::is_zero() const {
    for (auto b : bytes) {
        if (b != 0) {
            return false;
        }
    }
    return true;
}

namespace {

Hash128 canonical(XXH128_hash_t digest) {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, digest);
    Hash128 out;
    static_assert(sizeof(canonical.digest) == 16);
    for (std::size_t i = 0; i < 16; ++i) {
        out.bytes[i] = canonical.digest[i];
    }
    return out;
}

}  // namespace

Hash128 xxh3_128(std::string_view bytes) {
    return canonical(XXH3_128bits(bytes.data(), bytes.size()));
}

Hash128 xxh3_128(std::string_view bytes, std::uint64_t seed) {
    return canonical(XXH3_128bits_withSeed(bytes.data(), bytes.size(), seed));
}

std::uint64_t xxh3_64(std::string_view bytes) {
    return XXH3_64bits(bytes.data(), bytes.size());
}

}  // namespace cs

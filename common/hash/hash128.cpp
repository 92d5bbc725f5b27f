#include "common/hash/hash128.hpp"

#include <algorithm>

#include <xxhash.h>

#include "common/text/hex.hpp"

namespace cs {

std::string Hash128::to_hex() const {
    return text::to_hex(bytes.data(), bytes.size());
}

Expected<Hash128> Hash128::from_hex(std::string_view hex) {
    if (hex.size() != 32) {
        return make_error(ErrorCode::parse_error, "hash '{}' must be 32 hex characters", hex);
    }
    auto decoded = text::decode_hex(hex);
    if (!decoded) {
        return make_error(ErrorCode::parse_error, "hash '{}' has a non-hex character", hex);
    }
    Hash128 out;
    std::copy(decoded->begin(), decoded->end(), out.bytes.begin());
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

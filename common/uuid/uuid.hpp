#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs {

struct Uuid {
    std::array<std::uint8_t, 16> bytes{};

    // "xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx", lowercase.
    std::string to_string() const;
    static Expected<Uuid> parse(std::string_view text);
    int version() const { return bytes[6] >> 4; }
    // Milliseconds since the Unix epoch carried by a version 7 UUID.
    std::int64_t unix_millis() const;

    friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

// A time-ordered UUID (RFC 9562 version 7): 48-bit Unix milliseconds, then a
// 12-bit sequence that keeps IDs from one process strictly increasing within a
// millisecond, then 62 random bits from the OS CSPRNG.
Uuid uuid_v7();

}  // namespace cs

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Hexadecimal digits, lowercase when written (hashes, ids, digests) and either
// case when read (URLs, PostgreSQL bytea, configuration).
namespace cs::text {

// 0..15 for a hex digit of either case, -1 for anything else.
constexpr int hex_value(char c) {
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
}

// Appends the two lowercase digits of `byte`.
void append_hex(std::string& out, std::uint8_t byte);

std::string to_hex(const std::uint8_t* bytes, std::size_t size);
std::string to_hex(std::string_view bytes);

// The bytes of an even number of hex digits of either case; nullopt for an odd
// length or any other character.
std::optional<std::string> decode_hex(std::string_view digits);

}  // namespace cs::text

#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cs::text {

// True when every byte is below 0x80 (such text is UTF-8 and Windows-1252 alike).
bool is_ascii(std::string_view bytes);
// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view bytes);
// Offset of the first byte that does not start a valid sequence, or npos.
// Slower than is_valid_utf8; for error messages.
std::size_t first_invalid_utf8(std::string_view bytes);
// Length of the valid UTF-8 sequence starting at bytes[0], or 0 if there is none.
std::size_t utf8_sequence_length(std::string_view bytes);

void append_utf8(char32_t code_point, std::string& out);
// Keeps every valid UTF-8 sequence and decodes each other byte as Windows-1252,
// so the result is always valid UTF-8. For raw rows shown to people.
void append_utf8_or_1252(std::string_view bytes, std::string& out);

}  // namespace cs::text

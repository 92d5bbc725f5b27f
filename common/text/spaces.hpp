#pragma once

#include <cstddef>
#include <string_view>

// Spaces in UTF-8 text as people type them into spreadsheets: ASCII whitespace
// and the Unicode spaces (NBSP and friends) that exports carry. Used by the
// agent's normalize stage and by the relay's vendor-file reader alike.
namespace cs::text {

// Bytes in the sequence that starts with `lead` (1 for ASCII and for stray bytes).
inline std::size_t sequence_length(unsigned char lead) {
    if (lead < 0xC0) {
        return 1;
    }
    if (lead < 0xE0) {
        return 2;
    }
    return lead < 0xF0 ? 3 : 4;
}

inline bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Byte length of a Unicode space other than ASCII (NBSP, narrow NBSP, en/em and
// thin spaces, ideographic space, ...) at the start of `text`, or 0.
std::size_t odd_space_length(std::string_view text);

// Removes ASCII whitespace and odd spaces from both ends.
std::string_view trim_spaces(std::string_view text);

}  // namespace cs::text

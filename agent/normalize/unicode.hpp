#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Small UTF-8 helpers for the normalize stage. Readers hand us valid UTF-8;
// these never split a multi-byte sequence and step over stray bytes one at a time.
namespace cs::agent::normalize {

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

std::size_t count_code_points(std::string_view text);
// Bytes taken by the first `code_points` characters (all of `text` if it has fewer).
std::size_t prefix_bytes(std::string_view text, std::size_t code_points);

// Simple one-to-one case mapping for ASCII, Latin-1, Latin Extended-A, Greek and
// Cyrillic; other characters are copied. The byte length never changes, so
// `out` must have room for in.size() bytes (it may alias `in`).
void upper_into(std::string_view in, char* out);
void lower_into(std::string_view in, char* out);

// The case-folded (lowered) copy used for case-insensitive comparisons.
std::string folded(std::string_view text);

}  // namespace cs::agent::normalize

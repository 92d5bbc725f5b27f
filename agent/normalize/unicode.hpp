#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/text/spaces.hpp"

// Small UTF-8 helpers for the normalize stage. Readers hand us valid UTF-8;
// these never split a multi-byte sequence and step over stray bytes one at a time.
namespace cs::agent::normalize {

// The space helpers are shared with the relay's vendor-file reader.
using text::is_ascii_space;
using text::odd_space_length;
using text::sequence_length;
using text::trim_spaces;

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

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::config {
class Reader;
}

namespace cs::agent::normalize {

enum class TransformKind : std::uint8_t {
    trim,
    upper,
    lower,
    collapse_spaces,
    strip_leading_zeros,
    pad_left,
    pad_right,
    replace,
    truncate,
};

// One step of a field's "transforms" list, applied to its text in order.
struct Transform {
    TransformKind kind = TransformKind::trim;
    std::size_t length = 0;   // pad width or truncate length, in characters
    std::string text;         // pad character, or the text replace looks for
    std::string replacement;  // what replace puts in its place
};

// Reads element `index` of the field's "transforms": a name ("upper") or an
// object ({"pad_left": 8, "char": "0"}, {"replace": "-", "with": ""},
// {"truncate": 40}). Errors name the file, line and key.
Expected<Transform> parse_transform(const config::Reader& field, std::size_t index);

// Applies one transform. The result views `in` or `out`; `out` must not hold `in`.
std::string_view apply_transform(const Transform& transform, std::string_view in, std::string& out);

}  // namespace cs::agent::normalize

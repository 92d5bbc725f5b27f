#pragma once

#include <string>
#include <string_view>

#include "agent/normalize/options.hpp"

namespace cs::agent::normalize {

// The strings layer: strips control characters, unifies line endings, turns odd
// Unicode spaces into ' ' and trims, optionally collapses runs of spaces.
// Returns a view of `text` when nothing inside had to change (the common case,
// no copy), otherwise a view of `scratch`. `scratch` must not hold `text`.
std::string_view clean_text(std::string_view text, const StringOptions& options,
                            std::string& scratch);

}  // namespace cs::agent::normalize

#pragma once

#include "agent/normalize/options.hpp"
#include "common/base/expected.hpp"

namespace cs::config {
class Reader;
}

// Reading the option keys shared by an entity's "normalize" sections and by
// fields (which override them with the same key names).
namespace cs::agent::normalize {

// Longest word accepted in a boolean word list (they are compared in a stack buffer).
inline constexpr std::size_t kMaxBooleanWord = 64;

// Each reads its keys from `r` when present and keeps the current values otherwise.
Status read_string_options(const config::Reader& r, StringOptions& options);
Status read_number_options(const config::Reader& r, NumberOptions& options);
// Sets `formats_given` when `r` has "formats".
Status read_date_options(const config::Reader& r, DateOptions& options, bool& formats_given);
Status read_boolean_options(const config::Reader& r, BooleanOptions& options);

}  // namespace cs::agent::normalize

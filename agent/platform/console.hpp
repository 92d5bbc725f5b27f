#pragma once

#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::agent::platform {

// Reads a secret value for `secret set`: typed at a terminal without echo
// (asked twice, the two must match), or piped on standard input (all of it,
// trailing line ends removed). Never from the command line, where other users
// could see it in the process list. At most `max_bytes`.
Expected<std::string> read_secret_input(std::string_view prompt, std::size_t max_bytes);

// Overwrites a string that held a secret before its memory is released.
void wipe(std::string& secret);

}  // namespace cs::agent::platform

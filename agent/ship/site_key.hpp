#pragma once

#include <string_view>

#include "common/base/expected.hpp"

namespace cs::agent::ship {

// A site key is "cs_site_" followed by 43 base64url characters (32 random
// bytes, docs/protocol.md). Checking the shape locally turns a pasted-wrong key
// into a clear error instead of a 401 retried every few minutes. The message
// never contains the key.
Status check_site_key(std::string_view key, std::string_view origin);

}  // namespace cs::agent::ship

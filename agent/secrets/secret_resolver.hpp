#pragma once

#include <string>
#include <string_view>

#include "agent/config/agent_config.hpp"
#include "common/base/expected.hpp"

namespace cs::agent {

// Reads the value a secret reference points at: an environment variable, a
// file (trailing whitespace and line ends removed), or a name in the agent's
// encrypted secret store (agent/secrets/secret_store.hpp). Every value returned is
// registered with cs::log::register_secret first, so no log line can show it.
// `what` names the setting for messages, e.g. "relay.site_key".
Expected<std::string> resolve_secret(const SecretRef& ref, std::string_view what);

}  // namespace cs::agent

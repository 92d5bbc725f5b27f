// On Windows the date library reads the text tz database installed beside
// the agent (agent/platform/windows/time_zones.cpp) and computes every
// transition from its rules, for any year: there is no last listed
// transition to extend, so no zone needs a footer rule.
#include "agent/normalize/posix_tz.hpp"

namespace cs::agent::normalize {

std::optional<PosixRule> PosixRule::load(std::string_view) {
    return std::nullopt;
}

}  // namespace cs::agent::normalize

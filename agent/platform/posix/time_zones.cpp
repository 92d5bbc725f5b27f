#include "agent/platform/time_zones.hpp"

namespace cs::agent::platform {

void prepare_time_zones() {}

}  // namespace cs::agent::platform

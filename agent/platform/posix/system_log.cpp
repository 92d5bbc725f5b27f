#include "agent/platform/system_log.hpp"

namespace cs::agent::platform {

std::shared_ptr<spdlog::sinks::sink> system_log_sink() {
    return nullptr;
}

}  // namespace cs::agent::platform

#pragma once

#include <string>
#include <string_view>

#include "common/base/expected.hpp"

// The platform half of ServiceNotifier (posix/, windows/).
namespace cs::service {

// Delivers one notification datagram to the manager's socket.
Status send_notification(const std::string& socket_path, std::string_view state);
// This process's id, to compare with WATCHDOG_PID.
long current_process_id();

}  // namespace cs::service

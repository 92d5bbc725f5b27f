// Windows has no $NOTIFY_SOCKET: the Service Control Manager learns the
// service's states from agent/platform/windows. A notifier that finds the
// variable anyway (a POSIX emulation layer) sends nothing.
#include "common/service/notify_socket.hpp"

#include <string>

#include <windows.h>

namespace cs::service {

Status send_notification(const std::string&, std::string_view) {
    return ok();
}

long current_process_id() {
    return static_cast<long>(GetCurrentProcessId());
}

}  // namespace cs::service

// Windows stop requests in a console: Ctrl+C, Ctrl+Break, closing the window,
// logoff and shutdown become a Shutdown request. A service's stop comes from
// the SCM instead (service_manager.cpp). The handler runs on a thread the
// system creates, so it only raises the request; a second Ctrl+C while the
// first is being honoured ends the process, as on POSIX.
#include <atomic>
#include <cstdlib>

#include <windows.h>

#include "agent/platform/shutdown.hpp"

namespace cs::agent::platform {
namespace {

std::atomic<Shutdown*> g_shutdown{nullptr};

BOOL WINAPI on_console_event(DWORD event) {
    Shutdown* shutdown = g_shutdown.load();
    if (shutdown == nullptr) {
        return FALSE;
    }
    // A service has no console, yet hears every user's logoff: not a stop.
    if (event == CTRL_LOGOFF_EVENT && GetConsoleWindow() == nullptr) {
        return FALSE;
    }
    if (shutdown->requested()) {
        // The store is transactional: ending now loses nothing committed.
        std::_Exit(130);
    }
    shutdown->request(event == CTRL_C_EVENT       ? "Ctrl+C"
                      : event == CTRL_BREAK_EVENT ? "Ctrl+Break"
                                                  : "console closed");
    // For close, logoff and shutdown Windows ends the process when this
    // returns; wait (within the system's 5 s grace) for the commit to finish.
    if (event == CTRL_CLOSE_EVENT || event == CTRL_LOGOFF_EVENT || event == CTRL_SHUTDOWN_EVENT) {
        Sleep(4500);
    }
    return TRUE;
}

class ConsoleStopRequests final : public StopRequests {
public:
    explicit ConsoleStopRequests(Shutdown& shutdown) {
        g_shutdown.store(&shutdown);
        SetConsoleCtrlHandler(on_console_event, TRUE);
    }
    ~ConsoleStopRequests() override {
        SetConsoleCtrlHandler(on_console_event, FALSE);
        g_shutdown.store(nullptr);
    }
};

}  // namespace

// `on_reload`: Windows has no SIGHUP; a service gets SERVICE_CONTROL_PARAMCHANGE
// (sc control ContractSyncAgent paramchange), routed by service_manager.cpp.
Expected<std::unique_ptr<StopRequests>> StopRequests::watch(Shutdown& shutdown,
                                                            std::function<void()> on_reload) {
    if (g_shutdown.load() != nullptr) {
        return make_error(ErrorCode::internal, "stop requests are already being watched");
    }
    (void)on_reload;
    return std::unique_ptr<StopRequests>(new ConsoleStopRequests(shutdown));
}

}  // namespace cs::agent::platform

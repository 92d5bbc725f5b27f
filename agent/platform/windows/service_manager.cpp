// The agent as a Windows service. One binary: `run` first offers itself to
// the Service Control Manager's dispatcher; when the SCM did not start the
// process, the dispatcher refuses at once and `run` goes on in the console.
// Under the SCM the state goes START_PENDING -> RUNNING (when the agent's
// store and config are loaded) -> STOP_PENDING (stop, or the machine shutting
// down: a Shutdown request, so the running batch commits) -> STOPPED.
#include "agent/platform/service_manager.hpp"

#include <atomic>
#include <mutex>
#include <string>

#include <windows.h>

#include "agent/platform/windows/system_log.hpp"
#include "common/text/windows/wide.hpp"

#include "event_messages.h"  // generated from event_messages.mc

namespace cs::agent::platform {
namespace {

constexpr wchar_t kServiceName[] = L"ContractSyncAgent";
constexpr wchar_t kDisplayName[] = L"ContractSync Agent";
constexpr wchar_t kAccount[] = L"NT SERVICE\\ContractSyncAgent";
constexpr wchar_t kEventLogKey[] =
    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\ContractSyncAgent";
// How long Windows should wait between two progress reports before it
// declares the service hung: start-up opens the store; stopping commits a batch.
constexpr DWORD kStartWaitHintMs = 60'000;
constexpr DWORD kStopWaitHintMs = 120'000;

Error windows_error(std::string_view what) {
    DWORD code = GetLastError();
    return make_error(code == ERROR_ACCESS_DENIED ? ErrorCode::unauthorized : ErrorCode::io_error,
                      "{}: Windows error {}{}", what, code,
                      code == ERROR_ACCESS_DENIED ? " (run it from an elevated prompt)" : "");
}

// The SCM side of one service run; ServiceMain and the control handler
// reach it through this pointer (the dispatcher takes plain functions).
class ScmLink final : public ServiceManagerLink {
public:
    explicit ScmLink(SERVICE_STATUS_HANDLE handle) : handle_(handle) {
        status_.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
        report(SERVICE_START_PENDING, NO_ERROR, kStartWaitHintMs);
    }
    void running() override {
        // A stop that came while starting wins: the body is on its way out.
        if (stopping_.load()) {
            return;
        }
        report(SERVICE_RUNNING, NO_ERROR, 0);
        report_event(EVENTLOG_INFORMATION_TYPE, CS_MSG_STARTED,
                     L"configuration and state store loaded, relay uplink started");
    }
    void stopping() override {
        stopping_.store(true);
        report(SERVICE_STOP_PENDING, NO_ERROR, kStopWaitHintMs);
    }
    void stopped(int exit_code, const std::string& reason) {
        if (exit_code == 0) {
            report_event(EVENTLOG_INFORMATION_TYPE, CS_MSG_STOPPED,
                         reason.empty() ? L"stop requested" : text::widen(reason));
        } else {
            report_event(EVENTLOG_ERROR_TYPE, CS_MSG_FAILED, std::to_wstring(exit_code));
        }
        report(SERVICE_STOPPED, exit_code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR, 0,
               static_cast<DWORD>(exit_code));
    }

private:
    void report(DWORD state, DWORD win32_exit, DWORD wait_hint, DWORD specific = 0) {
        std::lock_guard lock(mutex_);
        status_.dwCurrentState = state;
        status_.dwWin32ExitCode = win32_exit;
        status_.dwServiceSpecificExitCode = specific;
        status_.dwWaitHint = wait_hint;
        // Stop and shutdown are accepted from the start (an uninstall right
        // after an install must not find a service that cannot be stopped;
        // start-up then ends as soon as it can), parameter changes once the
        // agent runs. A pending state counts its checkpoints so the SCM sees
        // progress.
        status_.dwControlsAccepted =
            state == SERVICE_RUNNING
                ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PRESHUTDOWN | SERVICE_ACCEPT_PARAMCHANGE
            : state == SERVICE_START_PENDING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PRESHUTDOWN
                                             : 0;
        status_.dwCheckPoint =
            (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : ++checkpoint_;
        SetServiceStatus(handle_, &status_);
    }

    SERVICE_STATUS_HANDLE handle_;
    std::mutex mutex_;
    SERVICE_STATUS status_{};
    DWORD checkpoint_ = 0;
    std::atomic<bool> stopping_{false};
};

struct Dispatch {
    const std::function<int(ServiceManagerLink&, Shutdown&)>* body = nullptr;
    Shutdown shutdown;
    // Set by service_main while the link exists; the control handler, on
    // another thread, may run before, during and after that.
    std::mutex link_mutex;
    ScmLink* link = nullptr;
    int exit_code = 0;
};
// Set by run_as_service for as long as the dispatcher runs.
std::atomic<Dispatch*> g_dispatch{nullptr};

DWORD WINAPI on_control(DWORD control, DWORD, LPVOID, LPVOID) {
    Dispatch* dispatch = g_dispatch.load();
    switch (control) {
        case SERVICE_CONTROL_STOP:
        case SERVICE_CONTROL_PRESHUTDOWN:
        case SERVICE_CONTROL_SHUTDOWN:
            if (dispatch == nullptr) {
                return ERROR_SERVICE_NOT_ACTIVE;
            }
            {
                std::lock_guard lock(dispatch->link_mutex);
                if (dispatch->link != nullptr) {
                    dispatch->link->stopping();
                }
            }
            dispatch->shutdown.request(control == SERVICE_CONTROL_STOP ? "service stop"
                                                                       : "system shutdown");
            return NO_ERROR;
        case SERVICE_CONTROL_INTERROGATE:
            return NO_ERROR;
        default:
            return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

void WINAPI service_main(DWORD, LPWSTR*) {
    Dispatch& dispatch = *g_dispatch.load();
    SERVICE_STATUS_HANDLE handle = RegisterServiceCtrlHandlerExW(kServiceName, on_control, nullptr);
    if (handle == nullptr) {
        dispatch.exit_code = 1;
        return;
    }
    ScmLink link(handle);
    {
        std::lock_guard lock(dispatch.link_mutex);
        dispatch.link = &link;
    }
    if (dispatch.shutdown.requested()) {
        link.stopping();  // asked to stop before the link existed
    }
    int exit_code = (*dispatch.body)(link, dispatch.shutdown);
    std::string reason = dispatch.shutdown.reason();
    dispatch.exit_code = exit_code;
    {
        std::lock_guard lock(dispatch.link_mutex);
        dispatch.link = nullptr;
    }
    // Last: once the SCM sees SERVICE_STOPPED, StartServiceCtrlDispatcherW
    // may return on the main thread and `dispatch` is gone, so nothing after
    // this call may touch it.
    link.stopped(exit_code, reason);
}

}  // namespace

std::optional<int> run_as_service(const std::function<int(ServiceManagerLink&, Shutdown&)>& body) {
    Dispatch dispatch;
    dispatch.body = &body;
    g_dispatch.store(&dispatch);
    SERVICE_TABLE_ENTRYW table[] = {{const_cast<LPWSTR>(kServiceName), service_main},
                                    {nullptr, nullptr}};
    // Returns when the service has stopped; fails at once in a console.
    BOOL dispatched = StartServiceCtrlDispatcherW(table);
    DWORD error = GetLastError();
    g_dispatch.store(nullptr);
    if (!dispatched && error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
        return std::nullopt;
    }
    return dispatched ? dispatch.exit_code : 1;
}

Status install_service(const ServiceInstall& install) {
    SC_HANDLE scm = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE);
    if (scm == nullptr) {
        return windows_error("cannot open the Service Control Manager");
    }
    std::wstring command = L"\"" + install.program.wstring() + L"\" run --config \"" +
                           install.config.wstring() + L"\"";
    SC_HANDLE service =
        CreateServiceW(scm, kServiceName, kDisplayName, SERVICE_ALL_ACCESS,
                       SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                       command.c_str(), nullptr, nullptr, nullptr, kAccount, nullptr);
    if (service == nullptr && GetLastError() == ERROR_SERVICE_EXISTS) {
        // Registered before (by the MSI's ServiceInstall table, or an earlier
        // `install`): point it at this program and config, and (re)apply the
        // settings below, which the MSI tables cannot express.
        service = OpenServiceW(scm, kServiceName, SERVICE_CHANGE_CONFIG | SERVICE_START);
        if (service != nullptr &&
            !ChangeServiceConfigW(service, SERVICE_NO_CHANGE, SERVICE_AUTO_START, SERVICE_NO_CHANGE,
                                  command.c_str(), nullptr, nullptr, nullptr, kAccount, nullptr,
                                  kDisplayName)) {
            auto error = windows_error("cannot update the ContractSyncAgent service");
            CloseServiceHandle(service);
            CloseServiceHandle(scm);
            return error;
        }
    }
    if (service == nullptr) {
        auto error = windows_error("cannot register the ContractSyncAgent service");
        CloseServiceHandle(scm);
        return error;
    }
    SERVICE_DESCRIPTIONW description{const_cast<LPWSTR>(
        L"Reads Prophet 21 and vendor files and ships change sets to the ContractSync relay "
        L"over one outbound TLS connection.")};
    ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &description);
    // The virtual account needs the service's own SID to exist.
    SERVICE_SID_INFO sid{SERVICE_SID_TYPE_UNRESTRICTED};
    ChangeServiceConfig2W(service, SERVICE_CONFIG_SERVICE_SID_INFO, &sid);
    // Restart after 1 minute, three times; the count resets after a day.
    SC_ACTION actions[3] = {
        {SC_ACTION_RESTART, 60'000}, {SC_ACTION_RESTART, 60'000}, {SC_ACTION_RESTART, 60'000}};
    SERVICE_FAILURE_ACTIONSW failure{};
    failure.dwResetPeriod = 24 * 60 * 60;
    failure.cActions = 3;
    failure.lpsaActions = actions;
    BOOL failure_set = ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &failure);
    // Also when the agent exits with an error, not only when it crashes.
    SERVICE_FAILURE_ACTIONS_FLAG on_error{TRUE};
    ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &on_error);
    SERVICE_PRESHUTDOWN_INFO preshutdown{kStopWaitHintMs};
    ChangeServiceConfig2W(service, SERVICE_CONFIG_PRESHUTDOWN_INFO, &preshutdown);
    CloseServiceHandle(service);
    CloseServiceHandle(scm);
    if (!failure_set) {
        return windows_error("ContractSyncAgent: cannot set the recovery actions");
    }

    // The Event Log source: the texts are the message table compiled into
    // this executable (event_messages.mc).
    HKEY key = nullptr;
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, kEventLogKey, 0, nullptr, 0, KEY_SET_VALUE, nullptr,
                        &key, nullptr) != ERROR_SUCCESS) {
        return windows_error("cannot register the ContractSyncAgent Event Log source");
    }
    std::wstring message_file = install.program.wstring();
    DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ,
                   reinterpret_cast<const BYTE*>(message_file.c_str()),
                   static_cast<DWORD>((message_file.size() + 1) * sizeof(wchar_t)));
    RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&types),
                   sizeof types);
    RegCloseKey(key);
    return ok();
}

Status uninstall_service() {
    SC_HANDLE scm = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
    if (scm == nullptr) {
        return windows_error("cannot open the Service Control Manager");
    }
    SC_HANDLE service =
        OpenServiceW(scm, kServiceName, SERVICE_STOP | DELETE | SERVICE_QUERY_STATUS);
    if (service == nullptr) {
        auto error = windows_error("the ContractSyncAgent service is not registered");
        CloseServiceHandle(scm);
        return error;
    }
    SERVICE_STATUS status{};
    ControlService(service, SERVICE_CONTROL_STOP, &status);
    BOOL deleted = DeleteService(service);
    CloseServiceHandle(service);
    CloseServiceHandle(scm);
    if (!deleted) {
        return windows_error("cannot remove the ContractSyncAgent service");
    }
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, kEventLogKey);
    return ok();
}

}  // namespace cs::agent::platform

// The MSI's custom actions (contractsync_msi_actions.dll), deferred and run as
// LocalSystem.
//
// ConfigureAgent, after InstallServices:
// 1. %ProgramData%\ContractSync\Agent gets the agent's ACL rule
//    (agent/platform/file_access.hpp: SYSTEM and Administrators full control,
//    NT SERVICE\ContractSyncAgent modify, nothing inherited).
// 2. agent.json is written there from agent.json.template with the
//    RELAY_URL and PROXY_URL properties, only when it does not exist yet:
//    upgrades and repairs keep the configuration an administrator edited.
//    The template's drop folder is created next to it.
// 3. When SITE_KEY_FILE names a file, the key in it is piped into
//    `contractsync-agent secret set site_key` (sealed with DPAPI; the key is
//    never on a command line, in the config or in the MSI log). The file is
//    left where it is: the administrator who wrote it deletes it.
// 4. `contractsync-agent install` adds what the MSI tables cannot express:
//    recovery actions, the service SID, the pre-shutdown timeout.
// Its data (CustomActionData) is five lines: install folder, data folder,
// relay URL, proxy URL, site key file.
//
// StopAgentService, before StopServices on every install, repair and
// uninstall except the old version's removal inside an upgrade: stops the
// ContractSyncAgent service and waits until its process has exited (up to the
// service's 120 s wait hint, then the process is ended), so that no file of
// the install or data folder is still open when the files are replaced or
// removed. StopServices alone does not guarantee that: it may return while the
// service is still stopping. It needs no data.
//
// RemoveAgentData, on an uninstall with REMOVE_DATA=1 (never on an upgrade):
// deletes %ProgramData%\ContractSync\Agent (config, state, secrets, logs),
// once every agent process started from the install folder has exited (the
// service was stopped and deleted before; a process that is still closing
// its files gets a minute, then it is ended). Its data is two lines: install
// folder, data folder.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <windows.h>
// msiquery.h needs windows.h before it.
#include <msiquery.h>
#include <tlhelp32.h>

#include "agent/platform/file_access.hpp"
#include "common/text/windows/wide.hpp"

namespace {

// A site key is 51 characters; anything much longer is not a key file.
constexpr std::size_t kMaxKeyFileBytes = 4096;

struct ActionData {
    std::wstring install_dir;
    std::wstring data_dir;
    std::wstring relay_url;
    std::wstring proxy_url;
    std::wstring site_key_file;
};

void wipe(std::string& text) {
    SecureZeroMemory(text.data(), text.size());
    text.clear();
}

// A line in the installer's log (never with the site key in it).
void log(MSIHANDLE install, const std::wstring& text) {
    PMSIHANDLE record = MsiCreateRecord(1);
    MsiRecordSetStringW(record, 0, (L"ContractSync: " + text).c_str());
    MsiProcessMessage(install, INSTALLMESSAGE_INFO, record);
}

std::wstring property(MSIHANDLE install, const wchar_t* name) {
    DWORD size = 0;
    wchar_t empty[1] = L"";
    MsiGetPropertyW(install, name, empty, &size);
    std::wstring value(size + 1, L'\0');
    size = static_cast<DWORD>(value.size());
    MsiGetPropertyW(install, name, value.data(), &size);
    value.resize(size);
    return value;
}

ActionData parse(const std::wstring& text) {
    std::vector<std::wstring> lines;
    std::size_t start = 0;
    for (int i = 0; i < 4; ++i) {
        std::size_t end = text.find(L'\n', start);
        if (end == std::wstring::npos) {
            end = text.size();
        }
        lines.push_back(text.substr(start, end - start));
        start = std::min(end + 1, text.size());
    }
    return ActionData{lines[0], lines[1], lines[2], lines[3], text.substr(start)};
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
}

// The value as the inside of a JSON string (the template has the quotes).
std::string json_inside(const std::wstring& value) {
    std::string quoted = nlohmann::json(cs::text::narrow(value)).dump();
    return quoted.substr(1, quoted.size() - 2);
}

bool write_config(MSIHANDLE install, const ActionData& data, const std::filesystem::path& config) {
    std::error_code ec;
    if (std::filesystem::exists(config, ec)) {
        log(install, L"keeping the existing " + config.wstring());
        return true;
    }
    std::ifstream in(std::filesystem::path(data.install_dir) / L"agent.json.template",
                     std::ios::binary);
    if (!in) {
        log(install, L"agent.json.template is missing from " + data.install_dir);
        return false;
    }
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    replace_all(text, "@RELAY_URL@", json_inside(data.relay_url));
    replace_all(text, "@PROXY_URL@", json_inside(data.proxy_url));
    std::ofstream out(config, std::ios::binary);
    out << text;
    if (!out) {
        log(install, L"cannot write " + config.wstring());
        return false;
    }
    log(install, L"wrote " + config.wstring());
    return true;
}

// The key in SITE_KEY_FILE, without surrounding white space; empty with a
// log line when the file cannot be read or holds no key.
std::string read_key_file(MSIHANDLE install, const std::wstring& path) {
    HANDLE file = CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE) {
        log(install, L"SITE_KEY_FILE " + path + L" cannot be read (Windows error " +
                         std::to_wstring(GetLastError()) + L")");
        return {};
    }
    std::string key(kMaxKeyFileBytes + 1, '\0');
    DWORD got = 0;
    BOOL read = ReadFile(file, key.data(), static_cast<DWORD>(key.size()), &got, nullptr);
    CloseHandle(file);
    key.resize(read ? got : 0);
    if (key.size() > kMaxKeyFileBytes) {
        wipe(key);
        log(install, L"SITE_KEY_FILE " + path + L" is larger than a site key: not used");
        return {};
    }
    // A UTF-8 BOM (Notepad) and line ends are not part of the key.
    std::size_t begin = key.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    while (begin < key.size() && std::isspace(static_cast<unsigned char>(key[begin]))) {
        ++begin;
    }
    std::size_t end = key.size();
    while (end > begin && std::isspace(static_cast<unsigned char>(key[end - 1]))) {
        --end;
    }
    std::string trimmed = key.substr(begin, end - begin);
    wipe(key);
    if (trimmed.empty()) {
        log(install, L"SITE_KEY_FILE " + path + L" is empty");
    }
    return trimmed;
}

// Runs the agent with `args`; `input` (may be empty) is its standard input.
// Returns its exit code, or -1 when it could not run or took over a minute.
int run_agent(const ActionData& data, const std::wstring& args, std::string input) {
    std::wstring exe = (std::filesystem::path(data.install_dir) / L"contractsync-agent.exe");
    std::wstring command = L"\"" + exe + L"\" " + args;
    SECURITY_ATTRIBUTES inherit{sizeof inherit, nullptr, TRUE};
    HANDLE read_end = nullptr;
    HANDLE write_end = nullptr;
    if (!CreatePipe(&read_end, &write_end, &inherit, 0)) {
        wipe(input);
        return -1;
    }
    SetHandleInformation(write_end, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = read_end;
    startup.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    startup.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION process{};
    BOOL started = CreateProcessW(exe.c_str(), command.data(), nullptr, nullptr, TRUE,
                                  CREATE_NO_WINDOW, nullptr, nullptr, &startup, &process);
    CloseHandle(read_end);
    if (started) {
        DWORD written = 0;
        if (!input.empty()) {
            WriteFile(write_end, input.data(), static_cast<DWORD>(input.size()), &written, nullptr);
        }
    }
    wipe(input);
    CloseHandle(write_end);  // end of input
    if (!started) {
        return -1;
    }
    DWORD exit_code = static_cast<DWORD>(-1);
    if (WaitForSingleObject(process.hProcess, 60'000) == WAIT_OBJECT_0) {
        GetExitCodeProcess(process.hProcess, &exit_code);
    } else {
        TerminateProcess(process.hProcess, 1);
    }
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
    return static_cast<int>(exit_code);
}

}  // namespace

// The entry points the MSI's CustomAction table names.
extern "C" __declspec(dllexport) UINT __stdcall ConfigureAgent(MSIHANDLE install);
extern "C" __declspec(dllexport) UINT __stdcall RemoveAgentData(MSIHANDLE install);
extern "C" __declspec(dllexport) UINT __stdcall StopAgentService(MSIHANDLE install);

UINT __stdcall ConfigureAgent(MSIHANDLE install) {
    ActionData data = parse(property(install, L"CustomActionData"));
    std::filesystem::path data_dir(data.data_dir);
    std::filesystem::path config = data_dir / L"agent.json";
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) {
        log(install, L"cannot create " + data.data_dir);
        return ERROR_INSTALL_FAILURE;
    }
    if (auto st = cs::agent::platform::restrict_to_service(data_dir, true); !st) {
        log(install, cs::text::widen(st.error().message));
    }
    // The template's drop folder, so a fresh install has somewhere to put files.
    std::filesystem::create_directories(data_dir / L"drop", ec);
    if (!write_config(install, data, config)) {
        return ERROR_INSTALL_FAILURE;
    }
    std::wstring config_arg = L"--config \"" + config.wstring() + L"\"";
    if (!data.site_key_file.empty()) {
        std::string key = read_key_file(install, data.site_key_file);
        if (key.empty()) {
            return ERROR_INSTALL_FAILURE;
        }
        if (run_agent(data, L"secret set site_key " + config_arg, std::move(key)) != 0) {
            log(install,
                L"`contractsync-agent secret set site_key` failed; see "
                L"docs/install-windows.md to store the site key by hand");
            return ERROR_INSTALL_FAILURE;
        }
        log(install, L"site key from SITE_KEY_FILE sealed with DPAPI");
    }
    if (run_agent(data, L"install " + config_arg, {}) != 0) {
        log(install, L"`contractsync-agent install` could not set the recovery actions");
        return ERROR_INSTALL_FAILURE;
    }
    return ERROR_SUCCESS;
}

namespace {

// Processes whose image is `exe` (compared without regard to case).
std::vector<HANDLE> processes_of(const std::filesystem::path& exe) {
    std::vector<HANDLE> found;
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot == INVALID_HANDLE_VALUE) {
        return found;
    }
    PROCESSENTRY32W entry{};
    entry.dwSize = sizeof entry;
    for (BOOL more = Process32FirstW(snapshot, &entry); more;
         more = Process32NextW(snapshot, &entry)) {
        if (lstrcmpiW(entry.szExeFile, exe.filename().c_str()) != 0) {
            continue;
        }
        HANDLE process =
            OpenProcess(SYNCHRONIZE | PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                        entry.th32ProcessID);
        if (process == nullptr) {
            continue;
        }
        // The image may already be deleted (RemoveFiles runs first), and then
        // its path cannot be read: the name alone decides.
        wchar_t image[MAX_PATH * 2];
        DWORD size = MAX_PATH * 2;
        if (!QueryFullProcessImageNameW(process, 0, image, &size) ||
            lstrcmpiW(image, exe.c_str()) == 0 ||
            lstrcmpiW(std::filesystem::path(image).filename().c_str(), exe.filename().c_str()) ==
                0) {
            found.push_back(process);
        } else {
            CloseHandle(process);
        }
    }
    CloseHandle(snapshot);
    return found;
}

// Waits up to `wait_ms` for `process` to exit, then ends it; `who` starts
// the log lines ("REMOVE_DATA", "StopAgentService").
void wait_or_end(MSIHANDLE install, HANDLE process, DWORD wait_ms, const wchar_t* who,
                 const wchar_t* overdue) {
    std::wstring name =
        std::wstring(who) + L": agent process " + std::to_wstring(GetProcessId(process));
    if (WaitForSingleObject(process, wait_ms) == WAIT_OBJECT_0) {
        log(install, name + L" has exited");
        return;
    }
    log(install, name + L" still running " + overdue + L"; ending it");
    TerminateProcess(process, ERROR_PROCESS_ABORTED);
    WaitForSingleObject(process, 10'000);
}

// Waits for the agent's processes to exit; ends those still there after a
// minute (the service no longer exists, nothing else would stop them).
void wait_for_agent_exit(MSIHANDLE install, const std::filesystem::path& exe) {
    constexpr DWORD kWaitMs = 60'000;
    ULONGLONG deadline = GetTickCount64() + kWaitMs;
    for (HANDLE process : processes_of(exe)) {
        ULONGLONG now = GetTickCount64();
        DWORD left = now < deadline ? static_cast<DWORD>(deadline - now) : 0;
        wait_or_end(install, process, left, L"REMOVE_DATA", L"a minute after the service stopped");
        CloseHandle(process);
    }
}

}  // namespace

UINT __stdcall RemoveAgentData(MSIHANDLE install) {
    std::wstring text = property(install, L"CustomActionData");
    std::size_t newline = text.find(L'\n');
    std::filesystem::path install_dir(newline == std::wstring::npos ? L""
                                                                    : text.substr(0, newline));
    std::filesystem::path data_dir(newline == std::wstring::npos ? text : text.substr(newline + 1));
    if (data_dir.empty() || data_dir.filename() != L"Agent") {
        log(install, L"REMOVE_DATA: refusing to delete " + data_dir.wstring());
        return ERROR_SUCCESS;
    }
    if (!install_dir.empty()) {
        wait_for_agent_exit(install, install_dir / L"contractsync-agent.exe");
    }
    // A process that has just exited may still be closing files for a moment.
    std::error_code ec;
    for (int attempt = 0; attempt < 120; ++attempt) {
        ec.clear();
        std::filesystem::remove_all(data_dir, ec);
        if (!ec) {
            break;
        }
        Sleep(500);
    }
    log(install, ec ? L"REMOVE_DATA: cannot delete " + data_dir.wstring() + L": " +
                          cs::text::widen(ec.message())
                    : L"REMOVE_DATA: deleted " + data_dir.wstring());
    // Keeping data is never worth failing an uninstall for.
    return ERROR_SUCCESS;
}

UINT __stdcall StopAgentService(MSIHANDLE install) {
    constexpr DWORD kWaitHintMs = 120'000;
    SC_HANDLE scm = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
    if (scm == nullptr) {
        log(install, L"StopAgentService: cannot open the service control manager");
        return ERROR_SUCCESS;
    }
    SC_HANDLE service =
        OpenServiceW(scm, L"ContractSyncAgent", SERVICE_STOP | SERVICE_QUERY_STATUS);
    if (service == nullptr) {
        log(install, GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST
                         ? std::wstring(L"StopAgentService: the service is not installed")
                         : L"StopAgentService: cannot open the service (error " +
                               std::to_wstring(GetLastError()) + L")");
        CloseServiceHandle(scm);
        return ERROR_SUCCESS;
    }
    SERVICE_STATUS_PROCESS status{};
    DWORD needed = 0;
    bool known = QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO,
                                      reinterpret_cast<BYTE*>(&status), sizeof status, &needed);
    if (!known) {
        log(install, L"StopAgentService: cannot query the service (error " +
                         std::to_wstring(GetLastError()) + L")");
    } else if (status.dwCurrentState == SERVICE_STOPPED) {
        log(install, L"StopAgentService: the service is not running");
    } else {
        HANDLE process =
            status.dwProcessId == 0
                ? nullptr
                : OpenProcess(SYNCHRONIZE | PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION,
                              FALSE, status.dwProcessId);
        SERVICE_STATUS ignored{};
        if (status.dwCurrentState != SERVICE_STOP_PENDING &&
            !ControlService(service, SERVICE_CONTROL_STOP, &ignored)) {
            log(install, L"StopAgentService: the service did not accept the stop (error " +
                             std::to_wstring(GetLastError()) + L")");
        }
        if (process != nullptr) {
            wait_or_end(install, process, kWaitHintMs, L"StopAgentService",
                        L"after the 120 s wait hint");
            CloseHandle(process);
        } else {
            // Without a process handle, the service state is all there is.
            ULONGLONG deadline = GetTickCount64() + kWaitHintMs;
            while (QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO,
                                        reinterpret_cast<BYTE*>(&status), sizeof status, &needed) &&
                   status.dwCurrentState != SERVICE_STOPPED && GetTickCount64() < deadline) {
                Sleep(200);
            }
        }
    }
    CloseServiceHandle(service);
    CloseServiceHandle(scm);
    return ERROR_SUCCESS;
}

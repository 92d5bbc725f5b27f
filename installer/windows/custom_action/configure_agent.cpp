// The MSI's one custom action (contractsync_msi_actions.dll, entry point
// ConfigureAgent), deferred and run as LocalSystem after InstallServices:
//
// 1. %ProgramData%\ContractSync\Agent gets a protected ACL: SYSTEM and
//    Administrators full control, NT SERVICE\ContractSyncAgent modify.
// 2. agent.json is written there from agent.json.template with the
//    RELAY_URL and PROXY_URL properties, only when it does not exist yet:
//    upgrades and repairs keep the configuration an administrator edited.
//    The template's drop folder is created next to it.
// 3. When SITE_KEY was given, it is piped into `contractsync-agent secret set
//    site_key` (sealed with DPAPI; never on a command line, in the config or
//    in the MSI log: SITE_KEY and this action's data are MsiHiddenProperties).
// 4. `contractsync-agent install` adds what the MSI tables cannot express:
//    recovery actions, the service SID, the pre-shutdown timeout.
//
// Its data (CustomActionData) is five lines: install folder, data folder,
// relay URL, proxy URL, site key.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <aclapi.h>
#include <msiquery.h>
#include <sddl.h>
#include <windows.h>

namespace {

struct ActionData {
    std::wstring install_dir;
    std::wstring data_dir;
    std::wstring relay_url;
    std::wstring proxy_url;
    std::wstring site_key;
};

void wipe(std::wstring& text) {
    SecureZeroMemory(text.data(), text.size() * sizeof(wchar_t));
    text.clear();
}

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

ActionData parse(std::wstring text) {
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
    ActionData data{lines[0], lines[1], lines[2], lines[3], text.substr(start)};
    wipe(text);
    return data;
}

std::string utf8(const std::wstring& text) {
    int n = WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0,
                                nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n), '\0');
    WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n,
                        nullptr, nullptr);
    return out;
}

// The value as the inside of a JSON string.
std::string json_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            // Control characters have no place in a URL; drop them.
        } else {
            out += c;
        }
    }
    return out;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
}

bool restrict_data_folder(const std::wstring& dir) {
    std::wstring sddl = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";
    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD sid_size = sizeof sid;
    wchar_t domain[256];
    DWORD domain_size = 256;
    SID_NAME_USE use;
    if (LookupAccountNameW(nullptr, L"NT SERVICE\\ContractSyncAgent", sid, &sid_size, domain,
                           &domain_size, &use)) {
        LPWSTR text = nullptr;
        if (ConvertSidToStringSidW(sid, &text)) {
            // Modify: read, write, create and delete, but not change the ACL.
            sddl += L"(A;OICI;0x1301bf;;;" + std::wstring(text) + L")";
            LocalFree(text);
        }
    }
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &sd,
                                                              nullptr)) {
        return false;
    }
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    PACL dacl = nullptr;
    GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted);
    std::wstring path = dir;
    DWORD rc =
        SetNamedSecurityInfoW(path.data(), SE_FILE_OBJECT,
                              DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                              nullptr, nullptr, dacl, nullptr);
    LocalFree(sd);
    return rc == ERROR_SUCCESS;
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
    replace_all(text, "@RELAY_URL@", json_escape(utf8(data.relay_url)));
    replace_all(text, "@PROXY_URL@", json_escape(utf8(data.proxy_url)));
    std::ofstream out(config, std::ios::binary);
    out << text;
    if (!out) {
        log(install, L"cannot write " + config.wstring());
        return false;
    }
    log(install, L"wrote " + config.wstring());
    return true;
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

// The entry point the MSI's CustomAction table names.
extern "C" __declspec(dllexport) UINT __stdcall ConfigureAgent(MSIHANDLE install);

UINT __stdcall ConfigureAgent(MSIHANDLE install) {
    ActionData data = parse(property(install, L"CustomActionData"));
    std::filesystem::path data_dir(data.data_dir);
    std::filesystem::path config = data_dir / L"agent.json";
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) {
        log(install, L"cannot create " + data.data_dir);
        wipe(data.site_key);
        return ERROR_INSTALL_FAILURE;
    }
    // The template's drop folder, so a fresh install has somewhere to put files.
    std::filesystem::create_directories(data_dir / L"drop", ec);
    if (!restrict_data_folder(data.data_dir)) {
        log(install, L"cannot set the ACL of " + data.data_dir);
    }
    if (!write_config(install, data, config)) {
        wipe(data.site_key);
        return ERROR_INSTALL_FAILURE;
    }
    std::wstring config_arg = L"--config \"" + config.wstring() + L"\"";
    if (!data.site_key.empty()) {
        std::string key = utf8(data.site_key);
        wipe(data.site_key);
        if (run_agent(data, L"secret set site_key " + config_arg, std::move(key)) != 0) {
            log(install,
                L"`contractsync-agent secret set site_key` failed; see "
                L"docs/install-windows.md to store the site key by hand");
            return ERROR_INSTALL_FAILURE;
        }
        log(install, L"site key sealed with DPAPI");
    }
    if (run_agent(data, L"install " + config_arg, {}) != 0) {
        log(install, L"`contractsync-agent install` could not set the recovery actions");
        return ERROR_INSTALL_FAILURE;
    }
    return ERROR_SUCCESS;
}

#include "agent/platform/system_info.hpp"

#include <fmt/format.h>
#include <windows.h>

namespace cs::agent::platform {
namespace {

std::string narrow(const wchar_t* text) {
    int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
    if (n <= 1) {
        return {};
    }
    std::string out(static_cast<std::size_t>(n - 1), '\0');
    WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), n, nullptr, nullptr);
    return out;
}

}  // namespace

std::string host_name() {
    wchar_t name[256] = {};
    DWORD size = 256;
    if (!GetComputerNameExW(ComputerNameDnsHostname, name, &size) || size == 0) {
        return "unknown";
    }
    return narrow(name);
}

std::string os_description() {
    // GetVersionEx lies to programs without a manifest; RtlGetVersion does not.
    using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOW*);
    OSVERSIONINFOW info{};
    info.dwOSVersionInfoSize = sizeof info;
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    auto get_version = ntdll == nullptr ? nullptr
                                        : reinterpret_cast<RtlGetVersionFn>(reinterpret_cast<void*>(
                                              GetProcAddress(ntdll, "RtlGetVersion")));
    if (get_version == nullptr || get_version(&info) != 0) {
        return "Windows";
    }
    SYSTEM_INFO system{};
    GetNativeSystemInfo(&system);
    const char* arch = system.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64   ? "x86_64"
                       : system.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_ARM64 ? "arm64"
                                                                                       : "x86";
    return fmt::format("Windows {}.{}.{} {}", info.dwMajorVersion, info.dwMinorVersion,
                       info.dwBuildNumber, arch);
}

long process_id() {
    return static_cast<long>(GetCurrentProcessId());
}

std::filesystem::path executable_path() {
    std::wstring path(MAX_PATH, L'\0');
    for (;;) {
        DWORD n = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
        if (n == 0) {
            return {};
        }
        if (n < path.size()) {
            path.resize(n);
            return path;
        }
        path.resize(path.size() * 2);
    }
}

}  // namespace cs::agent::platform

#include "agent/platform/system_info.hpp"

#include <fmt/format.h>
#include <windows.h>

#include "common/text/windows/wide.hpp"

namespace cs::agent::platform {
std::string host_name() {
    wchar_t name[256] = {};
    DWORD size = 256;
    if (!GetComputerNameExW(ComputerNameDnsHostname, name, &size) || size == 0) {
        return "unknown";
    }
    return text::narrow(std::wstring_view(name, size));
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

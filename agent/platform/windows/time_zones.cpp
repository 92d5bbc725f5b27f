#include "agent/platform/time_zones.hpp"

#include <filesystem>
#include <string>

#include <date/tz.h>
#include <windows.h>

#include "agent/platform/system_info.hpp"

namespace cs::agent::platform {
namespace {

// The date library opens its files with narrow paths, which Windows reads in
// the ANSI code page; the folder's 8.3 short form is plain ASCII wherever the
// volume keeps short names (the system drive does), so any folder name works.
std::string narrow_path(const std::filesystem::path& dir) {
    std::wstring wide = dir.native();
    DWORD n = GetShortPathNameW(wide.c_str(), nullptr, 0);
    if (n > 0) {
        std::wstring short_form(n, L'\0');
        n = GetShortPathNameW(wide.c_str(), short_form.data(), n);
        if (n > 0 && n < short_form.size()) {
            short_form.resize(n);
            wide = short_form;
        }
    }
    const int size = static_cast<int>(wide.size());
    const int bytes =
        WideCharToMultiByte(CP_ACP, 0, wide.data(), size, nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(bytes), '\0');
    WideCharToMultiByte(CP_ACP, 0, wide.data(), size, out.data(), bytes, nullptr, nullptr);
    return out;
}

}  // namespace

void prepare_time_zones() {
    std::filesystem::path dir;
    if (const wchar_t* given = _wgetenv(L"CONTRACTSYNC_TZDATA_DIR"); given != nullptr && *given) {
        dir = given;
    } else {
        dir = executable_path().parent_path() / L"tzdata";
    }
    date::set_install(narrow_path(dir));
}

}  // namespace cs::agent::platform

#include "agent/platform/command_line.hpp"

#include <windows.h>
// shellapi.h needs windows.h before it.
#include <shellapi.h>

#include "common/text/windows/wide.hpp"

namespace cs::agent::platform {

std::vector<std::string> utf8_command_line(int argc, char** argv) {
    SetConsoleOutputCP(CP_UTF8);
    int count = 0;
    LPWSTR* wide = CommandLineToArgvW(GetCommandLineW(), &count);
    if (wide == nullptr || count != argc) {
        // Should not happen; the ANSI arguments are still better than none.
        if (wide != nullptr) {
            LocalFree(wide);
        }
        return std::vector<std::string>(argv, argv + argc);
    }
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        out.push_back(text::narrow(wide[i]));
    }
    LocalFree(wide);
    return out;
}

}  // namespace cs::agent::platform

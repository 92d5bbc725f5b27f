#include "agent/platform/console.hpp"

#include <cstdio>
#include <string>

#include <windows.h>

#include "agent/platform/console_io.hpp"
#include "common/text/windows/wide.hpp"

namespace cs::agent::platform {

namespace console_io {

bool stdin_is_terminal() {
    DWORD mode = 0;
    return GetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), &mode) != 0;
}

Expected<std::string> read_stdin(std::size_t max_bytes) {
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    std::string text;
    char buffer[4096];
    DWORD n = 0;
    while (ReadFile(in, buffer, sizeof buffer, &n, nullptr) && n > 0) {
        text.append(buffer, n);
        if (text.size() > max_bytes + 2) {
            wipe(text);
            return input_too_large(max_bytes);
        }
    }
    SecureZeroMemory(buffer, sizeof buffer);
    trim_line_ends(text);
    return text;
}

Expected<std::string> read_hidden_line(std::string_view prompt, std::size_t max_bytes) {
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    std::fprintf(stderr, "%.*s", static_cast<int>(prompt.size()), prompt.data());
    std::fflush(stderr);
    DWORD mode = 0;
    GetConsoleMode(in, &mode);
    SetConsoleMode(in, (mode & ~static_cast<DWORD>(ENABLE_ECHO_INPUT)) | ENABLE_LINE_INPUT);
    std::wstring wide(max_bytes + 2, L'\0');
    DWORD n = 0;
    BOOL good = ReadConsoleW(in, wide.data(), static_cast<DWORD>(wide.size()), &n, nullptr);
    SetConsoleMode(in, mode);
    std::fprintf(stderr, "\n");
    if (!good) {
        SecureZeroMemory(wide.data(), wide.size() * sizeof(wchar_t));
        return make_error(ErrorCode::io_error, "cannot read the value from the console");
    }
    std::string line = text::narrow(std::wstring_view(wide.data(), n));
    SecureZeroMemory(wide.data(), wide.size() * sizeof(wchar_t));
    trim_line_ends(line);
    return line;
}

}  // namespace console_io

void wipe(std::string& secret) {
    SecureZeroMemory(secret.data(), secret.size());
    secret.clear();
}

}  // namespace cs::agent::platform

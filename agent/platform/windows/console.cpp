#include "agent/platform/console.hpp"

#include <cstdio>
#include <string>

#include <windows.h>

namespace cs::agent::platform {
namespace {

void trim_line_ends(std::string& text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
}

Expected<std::string> read_all(HANDLE in, std::size_t max_bytes) {
    std::string text;
    char buffer[4096];
    DWORD n = 0;
    while (ReadFile(in, buffer, sizeof buffer, &n, nullptr) && n > 0) {
        text.append(buffer, n);
        if (text.size() > max_bytes + 2) {
            wipe(text);
            return make_error(ErrorCode::limit_exceeded,
                              "standard input: more than {} bytes; a secret is a key or a "
                              "password",
                              max_bytes);
        }
    }
    SecureZeroMemory(buffer, sizeof buffer);
    trim_line_ends(text);
    return text;
}

// One line typed at the console with echo off; the mode is restored after.
Expected<std::string> read_hidden_line(HANDLE in, std::string_view prompt, std::size_t max_bytes) {
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
    int bytes = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(n), nullptr, 0,
                                    nullptr, nullptr);
    std::string line(static_cast<std::size_t>(bytes), '\0');
    WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(n), line.data(), bytes, nullptr,
                        nullptr);
    SecureZeroMemory(wide.data(), wide.size() * sizeof(wchar_t));
    trim_line_ends(line);
    return line;
}

}  // namespace

Expected<std::string> read_secret_input(std::string_view prompt, std::size_t max_bytes) {
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode = 0;
    if (!GetConsoleMode(in, &mode)) {
        return read_all(in, max_bytes);  // piped or redirected
    }
    auto first = read_hidden_line(in, prompt, max_bytes);
    if (!first) {
        return first;
    }
    auto second = read_hidden_line(in, "again: ", max_bytes);
    if (!second) {
        wipe(*first);
        return second;
    }
    bool same = *first == *second;
    wipe(*second);
    if (!same) {
        wipe(*first);
        return make_error(ErrorCode::invalid_argument, "the two values typed differ");
    }
    return first;
}

void wipe(std::string& secret) {
    SecureZeroMemory(secret.data(), secret.size());
    secret.clear();
}

}  // namespace cs::agent::platform

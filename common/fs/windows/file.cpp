// Files on Windows: wide-character APIs throughout (a narrow path would go
// through the ANSI code page), long paths through the \\?\ prefix, and reads
// that share the file with other readers only, so that a file someone is
// still writing (or has open in Excel) is refused instead of read half-way.
#include "common/fs/file.hpp"

#include <algorithm>
#include <cstdint>

#include <fcntl.h>
#include <io.h>
#include <windows.h>
// sddl.h needs windows.h before it.
#include <sddl.h>

#include "common/text/windows/wide.hpp"

namespace cs::fs {
namespace {

std::string windows_message(DWORD code) {
    wchar_t* text = nullptr;
    DWORD n = FormatMessageW(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
        nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
    std::wstring wide = n > 0 ? std::wstring(text, n) : std::wstring();
    LocalFree(text);
    while (!wide.empty() && (wide.back() == L'\n' || wide.back() == L'\r' || wide.back() == L'.')) {
        wide.pop_back();
    }
    std::string out = to_utf8(std::filesystem::path(wide));
    return out.empty() ? "Windows error " + std::to_string(code) : out;
}

// Owner, SYSTEM and Administrators full control; protected from inheritance.
constexpr wchar_t kOwnerOnly[] = L"D:P(A;;FA;;;OW)(A;;FA;;;SY)(A;;FA;;;BA)";

Expected<File> open(const std::filesystem::path& path, bool write,
                    Visibility visibility = Visibility::inherited) {
    const std::wstring name = long_form(path).wstring();
    SECURITY_ATTRIBUTES security{};
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    DWORD disposition = write ? CREATE_ALWAYS : OPEN_EXISTING;
    if (write && visibility == Visibility::owner_only) {
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(kOwnerOnly, SDDL_REVISION_1,
                                                                  &descriptor, nullptr)) {
            return make_error(ErrorCode::internal, "{}: cannot build its ACL: {}", to_utf8(path),
                              windows_message(GetLastError()));
        }
        security.nLength = sizeof security;
        security.lpSecurityDescriptor = descriptor;
        // A file that exists keeps its ACL through CREATE_ALWAYS: start afresh.
        DeleteFileW(name.c_str());
        disposition = CREATE_NEW;
    }
    HANDLE handle =
        CreateFileW(name.c_str(), write ? GENERIC_WRITE : GENERIC_READ, FILE_SHARE_READ,
                    descriptor != nullptr ? &security : nullptr, disposition,
                    FILE_ATTRIBUTE_NORMAL | (write ? 0 : FILE_FLAG_SEQUENTIAL_SCAN), nullptr);
    LocalFree(descriptor);
    if (handle == INVALID_HANDLE_VALUE) {
        const DWORD code = GetLastError();
        if (code == ERROR_SHARING_VIOLATION || code == ERROR_LOCK_VIOLATION) {
            return make_error(ErrorCode::unavailable,
                              "{}: in use by another program (still being written, or open in "
                              "Excel)",
                              to_utf8(path));
        }
        const bool missing = code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND;
        return make_error(missing ? ErrorCode::not_found : ErrorCode::io_error,
                          "{}: cannot open for {}: {}", to_utf8(path),
                          write ? "writing" : "reading", windows_message(code));
    }
    const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(handle),
                                   (write ? _O_WRONLY : _O_RDONLY) | _O_BINARY);
    if (fd == -1) {
        CloseHandle(handle);
        return make_error(ErrorCode::io_error, "{}: cannot open: out of file descriptors",
                          to_utf8(path));
    }
    std::FILE* f = _fdopen(fd, write ? "wb" : "rb");
    if (f == nullptr) {
        _close(fd);  // closes the handle too
        return make_error(ErrorCode::io_error, "{}: cannot open: out of memory", to_utf8(path));
    }
    return File(f);
}

}  // namespace

Expected<File> open_for_reading(const std::filesystem::path& path) {
    return open(path, false);
}

Expected<File> open_for_writing(const std::filesystem::path& path, Visibility visibility) {
    return open(path, true, visibility);
}

Status replace_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    // A program that has the target open (a reader of the old version, a
    // virus scanner) blocks the replacement for as long as it keeps it open:
    // wait a little for it before giving up.
    DWORD code = ERROR_SUCCESS;
    for (int attempt = 0; attempt < 20; ++attempt) {
        if (MoveFileExW(long_form(from).c_str(), long_form(to).c_str(),
                        MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
            return ok();
        }
        code = GetLastError();
        if (code != ERROR_ACCESS_DENIED && code != ERROR_SHARING_VIOLATION) {
            break;
        }
        Sleep(50);
    }
    return make_error(ErrorCode::io_error, "cannot replace {} with {}: {}", to_utf8(to),
                      to_utf8(from), windows_message(code));
}

Expected<std::chrono::system_clock::time_point> modified_time(const std::filesystem::path& path) {
    WIN32_FILE_ATTRIBUTE_DATA data{};
    if (!GetFileAttributesExW(long_form(path).c_str(), GetFileExInfoStandard, &data)) {
        const DWORD code = GetLastError();
        const bool missing = code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND;
        return make_error(missing ? ErrorCode::not_found : ErrorCode::io_error,
                          "{}: cannot read its modification time: {}", to_utf8(path),
                          windows_message(code));
    }
    // FILETIME counts 100 ns ticks since 1601-01-01; the Unix epoch is
    // 11644473600 s later.
    ULARGE_INTEGER ticks;
    ticks.LowPart = data.ftLastWriteTime.dwLowDateTime;
    ticks.HighPart = data.ftLastWriteTime.dwHighDateTime;
    using namespace std::chrono;
    using Ticks = duration<std::int64_t, std::ratio<1, 10'000'000>>;
    auto since_1601 = Ticks(static_cast<std::int64_t>(ticks.QuadPart));
    auto since_epoch = since_1601 - seconds(11'644'473'600);
    return system_clock::time_point(duration_cast<system_clock::duration>(since_epoch));
}

std::string to_utf8(const std::filesystem::path& path) {
    return text::narrow(path.native());
}

std::filesystem::path from_utf8(std::string_view text) {
    return std::filesystem::path(text::widen(text));
}

bool is_absolute(const std::filesystem::path& path) {
    const std::wstring& text = path.native();
    auto separator = [](wchar_t c) { return c == L'\\' || c == L'/'; };
    if (text.size() >= 2 && separator(text[0]) && separator(text[1])) {
        return true;  // \\server\share, \\?\..., \\.\...
    }
    return text.size() >= 3 && text[1] == L':' && separator(text[2]);
}

std::filesystem::path long_form(const std::filesystem::path& path) {
    std::wstring text = path.native();
    std::replace(text.begin(), text.end(), L'/', L'\\');
    // Already in device form (\\?\..., \\.\...): the API takes it as it is.
    if (text.rfind(L"\\\\?\\", 0) == 0 || text.rfind(L"\\\\.\\", 0) == 0) {
        return path;
    }
    // The prefix turns off the API's own normalization, so the rest must have
    // no . or .. parts. (libstdc++ does not know UNC root names, so the
    // \\server\share part is kept out of its normalization.)
    if (text.rfind(L"\\\\", 0) == 0) {
        std::wstring rest = std::filesystem::path(text.substr(2)).lexically_normal().native();
        return std::filesystem::path(L"\\\\?\\UNC\\" + rest);
    }
    const bool drive_absolute = text.size() >= 3 && text[1] == L':' && text[2] == L'\\';
    if (!drive_absolute) {
        return path;  // relative: resolved by the API against the current folder
    }
    return std::filesystem::path(L"\\\\?\\" +
                                 std::filesystem::path(text).lexically_normal().native());
}

}  // namespace cs::fs

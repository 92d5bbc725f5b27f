#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::fs {

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Opens a file to read it from start to end, in binary mode. While it is open,
// nobody can start writing to it. A file that another program has open for
// writing is refused with ErrorCode::unavailable rather than read half-way:
// on Windows that is a sharing violation (a copy still in progress, a workbook
// open in Excel); POSIX has no such locks, so drop folders rely on their
// stability rule there. A missing file is ErrorCode::not_found.
Expected<File> open_for_reading(const std::filesystem::path& path);

// Who may read a file created by open_for_writing.
enum class Visibility {
    inherited,   // the umask (POSIX), the folder's inherited ACL (Windows)
    owner_only,  // from the moment it exists: mode 0600 (POSIX); an ACL for its
                 // owner, SYSTEM and Administrators, nothing inherited (Windows)
};

// Creates or truncates a file for writing, in binary mode.
Expected<File> open_for_writing(const std::filesystem::path& path,
                                Visibility visibility = Visibility::inherited);

// Puts `from` in the place of `to` in one step: a reader sees the old file or
// the new one, never a mix (the way to publish a temporary file written
// beside its target). POSIX: rename(2). Windows: MoveFileExW with
// MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH, because
// std::filesystem::rename refuses an existing target there.
Status replace_file(const std::filesystem::path& from, const std::filesystem::path& to);

// When the file was last written, to the precision the file system keeps
// (std::filesystem::last_write_time rounds it to whole seconds on Windows).
Expected<std::chrono::system_clock::time_point> modified_time(const std::filesystem::path& path);

// The path as UTF-8, for messages, JSON and SQLite (Windows paths are UTF-16;
// the narrow form of std::filesystem::path is not UTF-8 on every platform).
std::string to_utf8(const std::filesystem::path& path);
// A path from UTF-8 text (a config value, a command-line argument).
std::filesystem::path from_utf8(std::string_view text);

// Whether the path is absolute, UNC shares (\\server\share\...) included,
// which std::filesystem::path does not recognise on Windows with libstdc++.
bool is_absolute(const std::filesystem::path& path);

// The path in the form the platform's file APIs accept at any length
// (Windows: absolute paths get the \\?\ or \\?\UNC\ prefix that lifts the
// 260-character limit; elsewhere the path itself).
std::filesystem::path long_form(const std::filesystem::path& path);

}  // namespace cs::fs

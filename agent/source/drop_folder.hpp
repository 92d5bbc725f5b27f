#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/base/expected.hpp"

namespace cs::agent {

struct DropFile {
    std::filesystem::path path;
    std::uintmax_t size = 0;
    // Wall clock, to the file system's precision (common/fs/file.hpp).
    std::chrono::system_clock::time_point modified;
};

// A folder that vendors or scripts drop files into. Each file is processed
// once, after it has stopped changing, then moved to processed/ or to failed/
// with a reason file beside it.
class DropFolder {
public:
    DropFolder(std::filesystem::path path, std::filesystem::path processed_dir,
               std::filesystem::path failed_dir, std::chrono::milliseconds stable_for);

    // Files matching one of `patterns` (globs with * and ?, case-insensitive,
    // name only) whose size and modification time have not changed for
    // stable_for, oldest first. Files still being written are left for a later poll.
    Expected<std::vector<DropFile>> ready(const std::vector<std::string>& patterns);

    Expected<std::filesystem::path> move_to_processed(const DropFile& file);
    // Moves the file to failed/ and writes <name>.reason.txt explaining why.
    Expected<std::filesystem::path> move_to_failed(const DropFile& file, const std::string& reason);

    const std::filesystem::path& path() const { return path_; }

private:
    Expected<std::filesystem::path> move_into(const DropFile& file,
                                              const std::filesystem::path& dir);

    std::filesystem::path path_;
    std::filesystem::path processed_;
    std::filesystem::path failed_;
    std::chrono::milliseconds stable_for_;
    // What each file looked like when first seen unchanged, for the stability rule.
    struct Observation {
        std::uintmax_t size;
        std::chrono::system_clock::time_point modified;
        std::chrono::steady_clock::time_point since;
    };
    std::map<std::filesystem::path, Observation> seen_;
};

// Glob match on a file name: * any run, ? one character, case-insensitive ASCII.
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace cs::agent

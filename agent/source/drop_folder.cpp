#include "agent/source/drop_folder.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "common/fs/file.hpp"

namespace cs::agent {
namespace fs = std::filesystem;

bool glob_match(std::string_view pattern, std::string_view name) {
    auto lower = [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    std::size_t p = 0;
    std::size_t n = 0;
    std::size_t star = std::string_view::npos;
    std::size_t mark = 0;
    while (n < name.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(name[n]))) {
            ++p;
            ++n;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

DropFolder::DropFolder(fs::path path, fs::path processed_dir, fs::path failed_dir,
                       std::chrono::milliseconds stable_for)
    : path_(std::move(path)),
      processed_(std::move(processed_dir)),
      failed_(std::move(failed_dir)),
      stable_for_(stable_for) {}

Expected<std::vector<DropFile>> DropFolder::ready(const std::vector<std::string>& patterns) {
    std::error_code ec;
    if (!fs::is_directory(path_, ec)) {
        return make_error(ErrorCode::not_found, "drop folder {} does not exist or is not a folder",
                          path_.string());
    }
    auto now = std::chrono::steady_clock::now();
    auto wall_now = std::chrono::system_clock::now();
    std::vector<DropFile> out;
    std::map<fs::path, Observation> still_seen;
    for (fs::directory_iterator it(path_, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& entry = *it;
        if (!entry.is_regular_file(ec)) {
            continue;
        }
        std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.' || name[0] == '~') {
            continue;  // hidden files and editors' lock files (~$book.xlsx)
        }
        bool wanted = std::any_of(patterns.begin(), patterns.end(),
                                  [&](const std::string& p) { return glob_match(p, name); });
        if (!wanted) {
            continue;
        }
        auto modified = cs::fs::modified_time(entry.path());
        DropFile file{entry.path(), entry.file_size(ec),
                      modified ? *modified : std::chrono::system_clock::time_point()};
        if (ec || !modified) {
            continue;  // vanished or unreadable between listing and stat: next poll
        }
        auto previous = seen_.find(file.path);
        Observation obs{file.size, file.modified, now};
        if (previous != seen_.end() && previous->second.size == file.size &&
            previous->second.modified == file.modified) {
            obs.since = previous->second.since;
        }
        still_seen[file.path] = obs;
        // Stable if unchanged across polls for stable_for, or (first sight) not
        // written to for at least stable_for.
        bool unchanged_long_enough = now - obs.since >= stable_for_;
        bool old_enough = wall_now - file.modified >= stable_for_;
        if (unchanged_long_enough || old_enough) {
            out.push_back(file);
        }
    }
    if (ec) {
        return make_error(ErrorCode::io_error, "cannot list drop folder {}: {}", path_.string(),
                          ec.message());
    }
    seen_ = std::move(still_seen);
    std::sort(out.begin(), out.end(), [](const DropFile& a, const DropFile& b) {
        return a.modified != b.modified ? a.modified < b.modified : a.path < b.path;
    });
    return out;
}

Expected<fs::path> DropFolder::move_into(const DropFile& file, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return make_error(ErrorCode::io_error, "cannot create {}: {}", dir.string(), ec.message());
    }
    fs::path target = dir / file.path.filename();
    for (int i = 1; fs::exists(target, ec); ++i) {
        // Never overwrite an earlier file of the same name.
        target = dir / (file.path.stem().string() + "." + std::to_string(i) +
                        file.path.extension().string());
    }
    fs::rename(file.path, target, ec);
    if (ec) {
        // Another filesystem: copy, then remove the original.
        std::error_code copy_ec;
        fs::copy_file(file.path, target, copy_ec);
        if (copy_ec) {
            return make_error(ErrorCode::io_error, "cannot move {} to {}: {}", file.path.string(),
                              dir.string(), copy_ec.message());
        }
        if (!fs::remove(file.path, copy_ec) || copy_ec) {
            // A copy left beside an original that stays would be read again
            // and copied again on every poll.
            std::error_code ignored;
            fs::remove(target, ignored);
            return make_error(ErrorCode::io_error, "cannot move {} to {}: {}", file.path.string(),
                              dir.string(), (copy_ec ? copy_ec : ec).message());
        }
    }
    seen_.erase(file.path);
    return target;
}

Expected<fs::path> DropFolder::move_to_processed(const DropFile& file) {
    return move_into(file, processed_);
}

Expected<fs::path> DropFolder::move_to_failed(const DropFile& file, const std::string& reason) {
    auto target = move_into(file, failed_);
    if (!target) {
        return target;
    }
    std::ofstream out(target->string() + ".reason.txt");
    out << reason << "\n";
    if (!out) {
        return make_error(ErrorCode::io_error, "cannot write {}.reason.txt", target->string());
    }
    return target;
}

}  // namespace cs::agent

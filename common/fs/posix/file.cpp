#include "common/fs/file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cs::fs {
namespace {

Expected<File> open(const std::filesystem::path& path, const char* mode, std::string_view what) {
    std::FILE* f = std::fopen(path.c_str(), mode);
    if (f == nullptr) {
        const int err = errno;
        return make_error(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error,
                          "{}: cannot open {}: {}", path.string(), what, std::strerror(err));
    }
    return File(f);
}

}  // namespace

Expected<File> open_for_reading(const std::filesystem::path& path) {
    return open(path, "rb", "for reading");
}

Expected<File> open_for_writing(const std::filesystem::path& path, Visibility visibility) {
    if (visibility == Visibility::inherited) {
        return open(path, "wb", "for writing");
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    // fchmod: a file that existed keeps its mode through open(2).
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
        const int err = errno;
        if (fd >= 0) {
            ::close(fd);
        }
        return make_error(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error,
                          "{}: cannot open for writing: {}", path.string(), std::strerror(err));
    }
    std::FILE* f = ::fdopen(fd, "wb");
    if (f == nullptr) {
        ::close(fd);
        return make_error(ErrorCode::io_error, "{}: cannot open for writing: out of memory",
                          path.string());
    }
    return File(f);
}

Status replace_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (std::rename(from.c_str(), to.c_str()) != 0) {
        return make_error(ErrorCode::io_error, "cannot replace {} with {}: {}", to.string(),
                          from.string(), std::strerror(errno));
    }
    return ok();
}

Expected<std::chrono::system_clock::time_point> modified_time(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        return make_error(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error,
                          "{}: cannot read its modification time: {}", path.string(),
                          std::strerror(err));
    }
    using namespace std::chrono;
    auto since_epoch = seconds(st.st_mtim.tv_sec) + nanoseconds(st.st_mtim.tv_nsec);
    return system_clock::time_point(duration_cast<system_clock::duration>(since_epoch));
}

std::string to_utf8(const std::filesystem::path& path) {
    return path.string();
}

std::filesystem::path from_utf8(std::string_view text) {
    return std::filesystem::path(text);
}

bool is_absolute(const std::filesystem::path& path) {
    return path.is_absolute();
}

std::filesystem::path long_form(const std::filesystem::path& path) {
    return path;
}

}  // namespace cs::fs

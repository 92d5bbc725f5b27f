#include "agent/platform/file_access.hpp"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

namespace cs::agent::platform {

Status restrict_to_service(const std::filesystem::path& path, bool directory) {
    if (::chmod(path.c_str(), directory ? 0700 : 0600) != 0) {
        return make_error(ErrorCode::io_error, "{}: cannot restrict access: {}", path.string(),
                          std::strerror(errno));
    }
    if (::geteuid() != 0) {
        return ok();
    }
    struct stat parent {};
    auto holder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    if (::stat(holder.c_str(), &parent) != 0 || parent.st_uid == 0) {
        return ok();
    }
    if (::chown(path.c_str(), parent.st_uid, parent.st_gid) != 0) {
        return make_error(ErrorCode::io_error, "{}: cannot hand it to the service account: {}",
                          path.string(), std::strerror(errno));
    }
    return ok();
}

std::optional<std::string> readable_by_other_users(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || (st.st_mode & S_IROTH) == 0) {
        return std::nullopt;
    }
    return "chmod 600 " + path.string();
}

}  // namespace cs::agent::platform

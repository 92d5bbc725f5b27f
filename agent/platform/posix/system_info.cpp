#include "agent/platform/system_info.hpp"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace cs::agent::platform {

std::string host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return "unknown";
    }
    return name;
}

std::string os_description() {
    utsname info{};
    if (uname(&info) != 0) {
        return "unknown POSIX system";
    }
    return fmt::format("{} {} {}", info.sysname, info.release, info.machine);
}

long process_id() {
    return static_cast<long>(::getpid());
}

std::filesystem::path executable_path() {
    std::error_code ec;
    auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : path;
}

}  // namespace cs::agent::platform

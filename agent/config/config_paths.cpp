#include "agent/config/config_paths.hpp"

#include "common/fs/file.hpp"

namespace cs::agent {

std::filesystem::path resolve_config_path(const std::filesystem::path& base,
                                          std::string_view value) {
    std::filesystem::path p = cs::fs::from_utf8(value);
    p.make_preferred();
    if (cs::fs::is_absolute(p)) {
        return p;
    }
    return (base / p).lexically_normal();
}

}  // namespace cs::agent

// Where the POSIX footer rule comes from on Linux: the binary TZif files of
// the system's tz database, which list transitions only up to 2037.
#include <fstream>
#include <iterator>
#include <string>

#include "agent/normalize/posix_tz.hpp"

namespace cs::agent::normalize {

std::optional<PosixRule> PosixRule::load(std::string_view zone_name) {
    std::ifstream in("/usr/share/zoneinfo/" + std::string(zone_name), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Version 2+ files end with "\n<TZ string>\n".
    if (bytes.size() < 6 || bytes.compare(0, 4, "TZif") != 0 || bytes[4] < '2' ||
        bytes.back() != '\n') {
        return std::nullopt;
    }
    std::size_t start = bytes.rfind('\n', bytes.size() - 2);
    if (start == std::string::npos) {
        return std::nullopt;
    }
    return parse(std::string_view(bytes).substr(start + 1, bytes.size() - start - 2));
}

}  // namespace cs::agent::normalize

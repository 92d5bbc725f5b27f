#pragma once

#include <cstddef>
#include <fstream>
#include <string>

namespace cs::testing {

// Peak resident set size of a process (this one by default) in bytes, or 0
// when the figure means nothing: no /proc, or a sanitizer build
// (AddressSanitizer's quarantine keeps freed memory resident). Tests that
// bound memory skip the RSS check on 0.
inline std::size_t peak_rss(const std::string& pid = "self") {
#ifdef CS_SANITIZED_BUILD
    (void)pid;
    return 0;
#else
    std::ifstream status("/proc/" + pid + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stoull(line.substr(6)) * 1024;
        }
    }
    return 0;
#endif
}

}  // namespace cs::testing

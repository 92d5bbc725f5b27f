#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace spdlog::sinks {
class sink;
}

namespace cs::log {

enum class Format {
    console,  // human-readable, for terminals
    json,     // one JSON object per line, for services and log shippers
};

struct Options {
    Format format = Format::console;
    std::string level = "info";  // trace, debug, info, warn, error, critical, off
    std::string file;            // empty: no file
    std::size_t max_file_bytes = 10u << 20;
    std::size_t max_files = 5;
    bool to_stderr = true;
    std::string name = "contractsync";  // appears as "logger" in JSON lines
    // The operating system's log (agent/platform/system_log.hpp), which takes
    // the lines at or above its own level as bare messages; may be null.
    std::shared_ptr<spdlog::sinks::sink> system_log;
};

// Replaces the default spdlog logger. Every sink gets the redacting formatter.
Status init(const Options& options);

// Values registered here (passwords, keys, tokens) are replaced by "***" in every
// log line from then on, whichever module logged them, also percent-encoded and
// base64-encoded (inside HTTP Basic credentials, say). The credentials of any
// `Authorization:` header are replaced too.
void register_secret(std::string_view secret);
void clear_secrets();
std::string redact(std::string_view text);

Expected<Format> parse_format(std::string_view name);

}  // namespace cs::log

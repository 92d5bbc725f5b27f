#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace cs {

// Broad classes of failure; callers branch on these, humans read the message.
enum class ErrorCode {
    invalid_argument,  // caller or configuration supplied something unusable
    parse_error,       // input bytes do not follow their format
    limit_exceeded,    // a size a peer controls went over its configured limit
    not_found,
    io_error,
    conflict,  // state disagrees with the request (e.g. sequence reused with new content)
    unauthorized,
    unavailable,  // a dependency (network, database) cannot be reached right now
    cancelled,
    internal,
};

std::string_view to_string(ErrorCode code);

// An expected failure as a value. The message always names the thing that failed
// (file, line, field, request) and the underlying reason.
struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;

    // Prefixes context, e.g. error.wrap("config.json") -> "config.json: <message>".
    Error wrap(std::string_view context) const&;
    Error wrap(std::string_view context) &&;
};

template <typename... Args>
Error make_error(ErrorCode code, fmt::format_string<Args...> format, Args&&... args) {
    return Error{code, fmt::format(format, std::forward<Args>(args)...)};
}

}  // namespace cs

#include "common/base/error.hpp"

namespace cs {

std::string_view to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_argument:
            return "invalid_argument";
        case ErrorCode::parse_error:
            return "parse_error";
        case ErrorCode::limit_exceeded:
            return "limit_exceeded";
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::io_error:
            return "io_error";
        case ErrorCode::conflict:
            return "conflict";
        case ErrorCode::unauthorized:
            return "unauthorized";
        case ErrorCode::unavailable:
            return "unavailable";
        case ErrorCode::cancelled:
            return "cancelled";
        case ErrorCode::internal:
            return "internal";
    }
    return "unknown";
}

Error Error::wrap(std::string_view context) const& {
    return Error{code, fmt::format("{}: {}", context, message)};
}

Error Error::wrap(std::string_view context) && {
    message.insert(0, fmt::format("{}: ", context));
    return std::move(*this);
}

}  // namespace cs

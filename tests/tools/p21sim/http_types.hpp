#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs::p21sim {

// The simulator's view of an HTTP exchange, free of Beast types so request
// handling can be tested without sockets.
struct HttpRequest {
    std::string method;
    std::string target;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    bool secure = false;                                       // arrived over TLS

    // The first header with this lower-case name, or "".
    std::string_view header(std::string_view name) const {
        for (const auto& [key, value] : headers) {
            if (key == name) {
                return value;
            }
        }
        return {};
    }
};

inline constexpr std::string_view kODataJson =
    "application/json; odata.metadata=minimal; odata.streaming=true";
inline constexpr std::string_view kPlainJson = "application/json; charset=utf-8";

struct HttpResponse {
    int status = 200;
    std::string content_type = std::string(kPlainJson);
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::uint64_t rows = 0;  // data rows in the body, for statistics

    // Delivery, carried out by the connection:
    std::int64_t delay_ms = 0;  // wait before sending (latency, stalls)
    bool truncate = false;      // send the head and half the body, then close
};

}  // namespace cs::p21sim

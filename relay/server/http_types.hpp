#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs::relay::server {

// An HTTP request as handlers see it, free of Beast types.
struct HttpRequest {
    std::string method;                                        // "GET"
    std::string target;                                        // "/readyz?verbose=1"
    std::string path;                                          // "/readyz"
    std::string query;                                         // "verbose=1"
    std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
    std::string body;
    std::string remote_address;

    // The first header with this name (case-insensitive); empty when absent.
    std::string_view header(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static HttpResponse json(int status, std::string body);
    // {"error": "<message>"}
    static HttpResponse error(int status, std::string_view message);
    static HttpResponse text(int status, std::string body,
                             std::string content_type = "text/plain; charset=utf-8");
};

// "/a/b?x=1" -> {"/a/b", "x=1"}
std::pair<std::string, std::string> split_target(std::string_view target);

}  // namespace cs::relay::server

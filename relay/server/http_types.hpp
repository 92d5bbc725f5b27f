#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relay/storage/blob_store.hpp"

namespace cs::relay::server {

// An HTTP request as handlers see it, free of Beast types.
struct HttpRequest {
    std::string method;                                        // "GET"
    std::string target;                                        // "/readyz?verbose=1"
    std::string path;                                          // "/readyz"
    std::string query;                                         // "verbose=1"
    std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
    std::string body;
    // Upload routes: the body as the server streamed it to the blob store's
    // staging area (`body` stays empty); the handler moves it into the store.
    std::shared_ptr<storage::StagedFile> upload;
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

// "64 MiB", "1.5 MiB", "512 KiB", "100 bytes": a limit as people read it.
std::string format_bytes(std::uint64_t bytes);

// The 413 of a body over its limit, naming the limit and the setting that
// raises it: "the upload is 70000000 bytes; the limit is 64 MiB
// (limits.max_upload_bytes)". `size` is nullopt when only "more than" is known
// (a chunked body).
HttpResponse body_too_large(std::string_view what, std::optional<std::uint64_t> size,
                            std::uint64_t limit, std::string_view setting);

// "/a/b?x=1" -> {"/a/b", "x=1"}
std::pair<std::string, std::string> split_target(std::string_view target);

}  // namespace cs::relay::server

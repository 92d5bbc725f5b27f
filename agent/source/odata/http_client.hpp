#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/expected.hpp"

namespace cs::agent::odata {

struct HttpOptions {
    bool verify_tls = true;
    std::filesystem::path ca_file;  // extra PEM CAs; empty: the system store
    std::string proxy;              // "" environment, "direct", or a proxy URL
    std::chrono::milliseconds timeout{60'000};
    std::chrono::milliseconds connect_timeout{10'000};
    std::size_t max_body_bytes = std::size_t{512} << 20;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
};

// Why a request got no complete answer; decides whether it is retried.
enum class TransportFailure { none, timeout, connect, truncated, too_large, other };

struct HttpResponse {
    TransportFailure failure = TransportFailure::none;
    std::string error;  // the transport error, when failure != none
    long status = 0;
    std::optional<long> retry_after_s;  // from Retry-After (seconds form)
};

// How far a connection got: name lookup, TCP connect, TLS handshake.
struct ProbeResult {
    bool resolved = false;
    bool connected = false;
    bool tls = false;  // handshake done and the certificate verified (https only)
    std::string address;
    std::string error;
};

// One keep-alive HTTP(S) connection through libcurl. Not thread-safe: a source
// keeps one request in flight, which is also what protects P21.
class HttpClient {
public:
    explicit HttpClient(HttpOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends `request`; the body lands in `body` (reused, so pages do not
    // reallocate). A transport failure is a value, not an Error, so the caller
    // can decide to retry.
    HttpResponse send(const HttpRequest& request, std::string& body);

    // Connects to `url`'s server without sending a request (test-connection).
    ProbeResult probe(const std::string& url);

private:
    void apply_options();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::agent::odata

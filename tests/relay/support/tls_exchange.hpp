#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace cs::relay::testing {

// One request over a new TLS connection to 127.0.0.1:port, written piece by
// piece while the response is watched for: writing stops as soon as any of a
// response arrives, so a test learns how much of a body the relay let in
// before it answered. Works on both TLS 1.2 and 1.3; the certificate is not
// verified (the tests' own).
struct TlsExchange {
    bool connected = false;       // TCP connect and TLS handshake succeeded
    std::uint64_t sent = 0;       // bytes of `request` written when the response began (or all)
    bool response_early = false;  // the response began before all of `request` was written
    int status = 0;               // 0: no complete status line
    int interim = 0;              // 1xx responses before it (100 Continue)
    std::string head;             // status line and header fields
    std::string body;
    std::string error;                                // why the exchange ended early, if it did
    std::string header(std::string_view name) const;  // "" when absent; any case
};

TlsExchange tls_exchange(int port, std::string_view request,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

// An HTTP/1.1 request head with Content-Length `body_bytes`; `fields` are
// extra "Name: value" lines, each ending in \r\n.
std::string request_head(std::string_view method, std::string_view target, std::uint64_t body_bytes,
                         std::string_view fields = {});

}  // namespace cs::relay::testing

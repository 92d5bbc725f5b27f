#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::agent::ship {

// Where the relay's agent endpoint is, taken apart once so every connection step
// uses the same host (SNI, certificate check, Host header, CONNECT target).
struct RelayEndpoint {
    bool tls = true;   // wss:// (ws:// only for a relay on this machine)
    std::string host;  // lowercase name or IP address, IPv6 without brackets
    bool host_is_ip = false;
    std::uint16_t port = 443;
    std::string target;  // path and query sent in the upgrade request

    // "host[:port]" as the Host header wants it (port omitted when it is the default).
    std::string host_header() const;
    // "host:port" (IPv6 in brackets) for an HTTP CONNECT request.
    std::string authority() const;
    // The URL for log lines and errors.
    std::string describe() const;
};

// Accepts wss:// URLs, and ws:// for a relay on this machine only (the upgrade
// request carries the site key), without credentials or fragment. An empty
// path means the protocol's /v1/agent.
Expected<RelayEndpoint> parse_relay_url(std::string_view url);

// localhost, 127.0.0.0/8 or ::1 (lowercase, IPv6 without brackets).
bool is_loopback_host(std::string_view host);

// A URL's port text as a number in 1..65535.
std::optional<std::uint16_t> parse_port(std::string_view text);

// "host:port", bracketing IPv6 addresses.
std::string join_host_port(std::string_view host, std::uint16_t port);

}  // namespace cs::agent::ship

#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "agent/ship/endpoint.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::ship {

// An HTTP proxy the uplink tunnels through with CONNECT.
struct ProxyServer {
    std::string host;
    std::uint16_t port = 80;
    std::string username;  // empty: no Proxy-Authorization header
    std::string password;
    std::string origin;  // where it was configured (relay.proxy, HTTPS_PROXY, ...)

    // "http://user@host:port" (never the password), for logs and errors.
    std::string describe() const;
    // The Proxy-Authorization value ("Basic ..."), empty without a username.
    std::string authorization() const;
};

// Parses "http://[user[:password]@]host[:port]" (the scheme may be left out).
// User and password are percent-decoded. HTTPS and SOCKS proxies are refused.
Expected<ProxyServer> parse_proxy_url(std::string_view url, std::string_view origin);

// NO_PROXY rules, as curl and Go read them: entries separated by commas or
// spaces; "*" bypasses every host; a name matches itself and its subdomains (a
// leading "." or "*." is ignored); "name:port" matches that port only; an IP
// address matches exactly and a CIDR block (10.0.0.0/8, fd00::/8) matches the
// addresses inside it. Case-insensitive. Names are never resolved to match IPs.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::uint16_t port);

// Reads an environment variable; tests supply their own.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_environment();

// The proxy to reach `relay` through, or none. `configured` is relay.proxy:
// empty means "take it from the environment" (https_proxy/HTTPS_PROXY for wss://,
// http_proxy for ws://), "direct" means never use a proxy, anything else is the
// proxy URL. NO_PROXY/no_proxy applies in every case. `password`, when not
// empty, replaces the password in the URL (it comes from a secret reference).
Expected<std::optional<ProxyServer>> choose_proxy(std::string_view configured,
                                                  std::string_view password,
                                                  const RelayEndpoint& relay, const EnvLookup& env);

}  // namespace cs::agent::ship

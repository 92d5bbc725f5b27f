#include "agent/ship/endpoint.hpp"

#include <algorithm>

#include <boost/url/ipv4_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace cs::agent::ship {
namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return text;
}

}  // namespace

std::optional<std::uint16_t> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5) {
        return std::nullopt;
    }
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

std::string join_host_port(std::string_view host, std::uint16_t port) {
    bool ipv6 = host.find(':') != std::string_view::npos;
    return ipv6 ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

std::string RelayEndpoint::host_header() const {
    bool default_port = port == (tls ? 443 : 80);
    if (default_port) {
        return host.find(':') != std::string::npos ? "[" + host + "]" : host;
    }
    return join_host_port(host, port);
}

std::string RelayEndpoint::authority() const {
    return join_host_port(host, port);
}

std::string RelayEndpoint::describe() const {
    return fmt::format("{}://{}{}", tls ? "wss" : "ws", host_header(), target);
}

bool is_loopback_host(std::string_view host) {
    if (host == "localhost" || host == "::1") {
        return true;
    }
    // 127.0.0.0/8 as a dotted quad.
    auto v4 = boost::urls::parse_ipv4_address(host);
    return v4 && v4->is_loopback();
}

Expected<RelayEndpoint> parse_relay_url(std::string_view url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        return make_error(ErrorCode::invalid_argument, "relay URL '{}' is not a valid URL: {}", url,
                          parsed.error().message());
    }
    const auto& u = *parsed;
    RelayEndpoint ep;
    auto scheme = lower(std::string(u.scheme()));
    if (scheme != "wss" && scheme != "ws") {
        return make_error(
            ErrorCode::invalid_argument,
            "relay URL '{}': scheme must be wss:// (ws:// only for a relay on this machine)", url);
    }
    ep.tls = scheme == "wss";
    if (u.has_userinfo()) {
        // Never a place for the site key: URLs end up in logs and process lists.
        return make_error(ErrorCode::invalid_argument,
                          "relay URL must not contain credentials; the site key is configured "
                          "as relay.site_key");
    }
    if (u.has_fragment()) {
        return make_error(ErrorCode::invalid_argument, "relay URL '{}' must not have a #fragment",
                          url);
    }
    ep.host = lower(std::string(u.host_address()));
    if (ep.host.empty()) {
        return make_error(ErrorCode::invalid_argument, "relay URL '{}' has no host", url);
    }
    ep.host_is_ip = u.host_type() == boost::urls::host_type::ipv4 ||
                    u.host_type() == boost::urls::host_type::ipv6;
    if (u.has_port()) {
        auto port = parse_port(u.port());
        if (!port) {
            return make_error(ErrorCode::invalid_argument, "relay URL '{}' has an invalid port",
                              url);
        }
        ep.port = *port;
    } else {
        ep.port = ep.tls ? 443 : 80;
    }
    if (!ep.tls && !is_loopback_host(ep.host)) {
        // The upgrade request carries the site key.
        return make_error(ErrorCode::invalid_argument,
                          "relay URL '{}': ws:// would send the site key unencrypted; it is "
                          "accepted only for a relay on this machine (localhost, 127.0.0.0/8, "
                          "::1). Use wss://",
                          url);
    }
    std::string path(u.encoded_path());
    ep.target = path.empty() || path == "/" ? "/v1/agent" : path;
    if (u.has_query()) {
        ep.target += "?" + std::string(u.encoded_query());
    }
    return ep;
}

}  // namespace cs::agent::ship

#include "agent/ship/proxy.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "common/text/base64.hpp"

namespace cs::agent::ship {
namespace {

namespace ip = boost::asio::ip;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return out;
}

std::optional<ip::address> parse_ip(std::string_view text) {
    boost::system::error_code ec;
    auto address = ip::make_address(std::string(text), ec);
    if (ec) {
        return std::nullopt;
    }
    return address;
}

// True when the first `bits` bits of the two addresses agree (same family only).
bool in_block(const ip::address& host, const ip::address& network, unsigned bits) {
    auto prefix_equal = [bits](const auto& a, const auto& b) {
        unsigned left = bits;
        for (std::size_t i = 0; i < a.size() && left > 0; ++i) {
            unsigned take = std::min(left, 8u);
            auto mask = static_cast<unsigned char>(0xFFu << (8 - take));
            if ((a[i] & mask) != (b[i] & mask)) {
                return false;
            }
            left -= take;
        }
        return true;
    };
    if (host.is_v4() && network.is_v4() && bits <= 32) {
        return prefix_equal(host.to_v4().to_bytes(), network.to_v4().to_bytes());
    }
    if (host.is_v6() && network.is_v6() && bits <= 128) {
        return prefix_equal(host.to_v6().to_bytes(), network.to_v6().to_bytes());
    }
    return false;
}

bool entry_matches(std::string entry, const std::string& host, std::uint16_t port) {
    if (entry == "*") {
        return true;
    }
    // CIDR block.
    if (auto slash = entry.find('/'); slash != std::string::npos) {
        auto network = parse_ip(entry.substr(0, slash));
        auto address = parse_ip(host);
        const std::string bits_text = entry.substr(slash + 1);
        if (!network || !address || bits_text.empty() || bits_text.size() > 3 ||
            !std::all_of(bits_text.begin(), bits_text.end(),
                         [](char c) { return c >= '0' && c <= '9'; })) {
            return false;
        }
        return in_block(*address, *network, static_cast<unsigned>(std::stoi(bits_text)));
    }
    // "[v6]:port", "[v6]", "name:port" or "v4:port"; a bare IPv6 address has
    // several colons and no port.
    std::optional<std::uint16_t> entry_port;
    if (!entry.empty() && entry.front() == '[') {
        auto close = entry.find(']');
        if (close == std::string::npos) {
            return false;
        }
        std::string rest = entry.substr(close + 1);
        entry = entry.substr(1, close - 1);
        if (rest.size() > 1 && rest[0] == ':') {
            entry_port = static_cast<std::uint16_t>(std::atoi(rest.c_str() + 1));
        }
    } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
        auto colon = entry.find(':');
        entry_port = static_cast<std::uint16_t>(std::atoi(entry.c_str() + colon + 1));
        entry = entry.substr(0, colon);
    }
    if (entry_port && *entry_port != port) {
        return false;
    }
    if (auto entry_ip = parse_ip(entry)) {
        auto host_ip = parse_ip(host);
        return host_ip && *host_ip == *entry_ip;
    }
    if (entry.rfind("*.", 0) == 0) {
        entry.erase(0, 2);
    } else if (!entry.empty() && entry.front() == '.') {
        entry.erase(0, 1);
    }
    if (entry.empty()) {
        return false;
    }
    return host == entry || (host.size() > entry.size() && host.ends_with(entry) &&
                             host[host.size() - entry.size() - 1] == '.');
}

std::optional<std::string> first_set(const EnvLookup& env, std::initializer_list<const char*> names,
                                     std::string* which) {
    for (const char* name : names) {
        if (auto value = env(name); value && !value->empty()) {
            *which = name;
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace

std::string ProxyServer::describe() const {
    return fmt::format("http://{}{}", username.empty() ? "" : username + "@",
                       join_host_port(host, port));
}

std::string ProxyServer::authorization() const {
    if (username.empty()) {
        return {};
    }
    return "Basic " + text::base64_encode(username + ":" + password);
}

Expected<ProxyServer> parse_proxy_url(std::string_view url, std::string_view origin) {
    std::string text(url);
    if (text.find("://") == std::string::npos) {
        text = "http://" + text;  // curl's convention: a bare host[:port] is an HTTP proxy
    }
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) {
        return make_error(ErrorCode::invalid_argument, "{}: proxy '{}' is not a valid URL: {}",
                          origin, url, parsed.error().message());
    }
    const auto& u = *parsed;
    auto scheme = lower(u.scheme());
    if (scheme != "http") {
        return make_error(ErrorCode::invalid_argument,
                          "{}: proxy scheme '{}' is not supported; use an HTTP proxy "
                          "(http://host:port) that allows CONNECT",
                          origin, scheme);
    }
    ProxyServer proxy;
    proxy.origin = std::string(origin);
    proxy.host = lower(std::string(u.host_address()));
    if (proxy.host.empty()) {
        return make_error(ErrorCode::invalid_argument, "{}: proxy URL has no host", origin);
    }
    if (u.has_port()) {
        auto port = parse_port(u.port());
        if (!port) {
            return make_error(ErrorCode::invalid_argument, "{}: proxy URL has an invalid port",
                              origin);
        }
        proxy.port = *port;
    }
    if (u.has_userinfo()) {
        proxy.username = std::string(u.user());
        proxy.password = std::string(u.password());
    }
    return proxy;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::uint16_t port) {
    const std::string h = lower(host);
    std::string entry;
    auto flush = [&]() {
        bool hit = !entry.empty() && entry_matches(lower(entry), h, port);
        entry.clear();
        return hit;
    };
    for (char c : no_proxy) {
        if (c == ',' || c == ' ' || c == '\t') {
            if (flush()) {
                return true;
            }
        } else {
            entry.push_back(c);
        }
    }
    return flush();
}

EnvLookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
    };
}

Expected<std::optional<ProxyServer>> choose_proxy(std::string_view configured,
                                                  std::string_view password,
                                                  const RelayEndpoint& relay,
                                                  const EnvLookup& env) {
    if (configured == "direct") {
        return std::optional<ProxyServer>();
    }
    std::string origin = "relay.proxy";
    std::optional<std::string> url;
    if (!configured.empty()) {
        url = std::string(configured);
    } else if (relay.tls) {
        url = first_set(env, {"https_proxy", "HTTPS_PROXY"}, &origin);
    } else {
        // Only the lowercase name: HTTP_PROXY can be set by a web server's CGI
        // environment from a request header (the "httpoxy" problem).
        url = first_set(env, {"http_proxy"}, &origin);
    }
    if (!url) {
        return std::optional<ProxyServer>();
    }
    std::string ignored;
    if (auto bypass = first_set(env, {"no_proxy", "NO_PROXY"}, &ignored);
        bypass && no_proxy_matches(*bypass, relay.host, relay.port)) {
        return std::optional<ProxyServer>();
    }
    auto proxy = parse_proxy_url(*url, origin);
    if (!proxy) {
        return std::move(proxy).error();
    }
    if (!password.empty()) {
        proxy->password = std::string(password);
    }
    return std::optional<ProxyServer>(std::move(*proxy));
}

}  // namespace cs::agent::ship

#include "relay/alerts/webhook_target.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/base/error.hpp"

namespace cs::relay::alerts {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;

struct Range {
    std::uint32_t network;
    int bits;
    const char* what;
};

// IPv4 ranges that are not the public internet (RFC 6890 and friends).
constexpr Range kV4[] = {
    {0x00000000, 8, "a 'this network' address"},
    {0x0a000000, 8, "a private address"},
    {0x64400000, 10, "a carrier-grade NAT address"},
    {0x7f000000, 8, "a loopback address"},
    {0xa9fe0000, 16, "a link-local address (cloud metadata lives here)"},
    {0xac100000, 12, "a private address"},
    {0xc0000000, 24, "an IETF protocol address"},
    {0xc0000200, 24, "a documentation address"},
    {0xc0a80000, 16, "a private address"},
    {0xc6120000, 15, "a benchmarking address"},
    {0xc6336400, 24, "a documentation address"},
    {0xcb007100, 24, "a documentation address"},
    {0xe0000000, 4, "a multicast address"},
    {0xf0000000, 4, "a reserved address"},
};

std::string v4_reason(std::uint32_t a) {
    for (const auto& r : kV4) {
        std::uint32_t mask = r.bits == 0 ? 0 : ~std::uint32_t{0} << (32 - r.bits);
        if ((a & mask) == r.network) {
            return r.what;
        }
    }
    return {};
}

std::string v6_reason(const std::array<std::uint8_t, 16>& b) {
    auto all_zero = [&](int from, int to) {
        for (int i = from; i < to; ++i) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    };
    auto embedded_v4 = [&] {
        return (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) |
               (std::uint32_t{b[14]} << 8) | b[15];
    };
    if (all_zero(0, 16)) {
        return "the unspecified address";
    }
    if (all_zero(0, 15) && b[15] == 1) {
        return "a loopback address";
    }
    // ::ffff:a.b.c.d, and NAT64's 64:ff9b::a.b.c.d: the IPv4 address decides.
    if ((all_zero(0, 10) && b[10] == 0xff && b[11] == 0xff) ||
        (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && all_zero(4, 12))) {
        return v4_reason(embedded_v4());
    }
    if ((b[0] & 0xfe) == 0xfc) {
        return "a private (unique local) address";
    }
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
        return "a link-local address";
    }
    if (b[0] == 0xff) {
        return "a multicast address";
    }
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) {
        return "a documentation address";
    }
    return {};
}

struct UrlParts {
    std::string scheme;
    std::string host;
    int port = 0;
};

Expected<UrlParts> parse(std::string_view url, const WebhookPolicy& policy) {
    auto invalid = [&](std::string_view why) {
        return make_error(ErrorCode::invalid_argument, "'alert_webhook_url' {}", why);
    };
    if (url.size() > kMaxUrlBytes) {
        return invalid(fmt::format("is longer than {} characters", kMaxUrlBytes));
    }
    if (url.find_first_of(" \t\r\n") != std::string_view::npos) {
        return invalid("must not contain whitespace");
    }
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), curl_url_cleanup);
    if (!handle ||
        curl_url_set(handle.get(), CURLUPART_URL, std::string(url).c_str(), 0) != CURLUE_OK) {
        return invalid("is not a valid URL");
    }
    auto part = [&](CURLUPart which, unsigned flags = 0) {
        char* text = nullptr;
        std::string out;
        if (curl_url_get(handle.get(), which, &text, flags) == CURLUE_OK && text != nullptr) {
            out = text;
        }
        curl_free(text);
        return out;
    };
    UrlParts parts{part(CURLUPART_SCHEME), part(CURLUPART_HOST), 0};
    if (parts.scheme != "https" && !(policy.allow_http && parts.scheme == "http")) {
        return invalid("must be an https:// URL");
    }
    if (parts.host.empty()) {
        return invalid("has no host");
    }
    if (!part(CURLUPART_FRAGMENT).empty()) {
        return invalid("must not have a #fragment");
    }
    if (parts.host.front() == '[' && parts.host.back() == ']') {
        parts.host = parts.host.substr(1, parts.host.size() - 2);
    }
    parts.port = std::atoi(part(CURLUPART_PORT, CURLU_DEFAULT_PORT).c_str());
    if (parts.port <= 0 || parts.port > 65535) {
        return invalid("has an invalid port");
    }
    return parts;
}

}  // namespace

std::string forbidden_address_reason(const sockaddr* address) {
    if (address->sa_family == AF_INET) {
        sockaddr_in v4{};
        std::memcpy(&v4, address, sizeof v4);
        return v4_reason(ntohl(v4.sin_addr.s_addr));
    }
    if (address->sa_family == AF_INET6) {
        sockaddr_in6 v6{};
        std::memcpy(&v6, address, sizeof v6);
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &v6.sin6_addr, 16);
        return v6_reason(bytes);
    }
    return "not an internet address";
}

std::string forbidden_address_reason(std::string_view numeric) {
    std::string text(numeric);
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    if (inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        return forbidden_address_reason(reinterpret_cast<const sockaddr*>(&v4));
    }
    if (inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        return forbidden_address_reason(reinterpret_cast<const sockaddr*>(&v6));
    }
    return {};
}

Status check_webhook_url(std::string_view url, const WebhookPolicy& policy) {
    auto parts = parse(url, policy);
    if (!parts) {
        return std::move(parts).error();
    }
    if (!policy.allow_private) {
        if (auto why = forbidden_address_reason(parts->host); !why.empty()) {
            return make_error(ErrorCode::invalid_argument,
                              "'alert_webhook_url': {} is {}; a webhook must be on the public "
                              "internet",
                              parts->host, why);
        }
        if (parts->host == "localhost" || parts->host.ends_with(".localhost")) {
            return make_error(ErrorCode::invalid_argument,
                              "'alert_webhook_url': {} is this machine; a webhook must be on the "
                              "public internet",
                              parts->host);
        }
    }
    return ok();
}

std::string WebhookTarget::resolve_entry() const {
    // An address in the URL is used as it is: nothing to pin.
    in_addr probe{};
    if (host.find(':') != std::string::npos || inet_pton(AF_INET, host.c_str(), &probe) == 1) {
        return {};
    }
    bool v6 = address.find(':') != std::string::npos;
    return fmt::format("{}:{}:{}{}{}", host, port, v6 ? "[" : "", address, v6 ? "]" : "");
}

Expected<WebhookTarget> resolve_webhook_target(std::string_view url, const WebhookPolicy& policy) {
    if (auto s = check_webhook_url(url, policy); !s) {
        return std::move(s).error();
    }
    auto parts = parse(url, policy);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = getaddrinfo(parts->host.c_str(), nullptr, &hints, &found); rc != 0) {
        return make_error(ErrorCode::unavailable, "webhook host {} cannot be resolved: {}",
                          parts->host, gai_strerror(rc));
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
    WebhookTarget target{parts->host, parts->port, {}};
    // Every address must pass: a name with one public and one internal address
    // would otherwise be a coin toss away from the inside.
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
        if (a->ai_family != AF_INET && a->ai_family != AF_INET6) {
            continue;
        }
        char text[INET6_ADDRSTRLEN] = {};
        const void* raw = a->ai_family == AF_INET
                              ? static_cast<const void*>(
                                    &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
                              : static_cast<const void*>(
                                    &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
        inet_ntop(a->ai_family, raw, text, sizeof text);
        if (!policy.allow_private) {
            if (auto why = forbidden_address_reason(a->ai_addr); !why.empty()) {
                return make_error(ErrorCode::invalid_argument,
                                  "webhook host {} resolves to {}, {}; refused (a webhook must "
                                  "be on the public internet)",
                                  parts->host, text, why);
            }
        }
        if (target.address.empty()) {
            target.address = text;
        }
    }
    if (target.address.empty()) {
        return make_error(ErrorCode::unavailable, "webhook host {} has no internet address",
                          parts->host);
    }
    return target;
}

}  // namespace cs::relay::alerts

#pragma once

// Where a tenant's alert webhook may point. A tenant admin chooses the URL, and
// the relay posts to it from inside the cloud network, so the URL must never
// reach the relay itself, the database, other internal services or a cloud
// metadata endpoint (server-side request forgery): https only, and every
// address the host resolves to must be a public one. The delivery connects to
// the address that was checked (no second lookup a DNS answer could change)
// and follows no redirects.
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

struct sockaddr;

namespace cs::relay::alerts {

struct WebhookPolicy {
    // Only for tests and single-machine demos: http:// URLs, and loopback
    // and private addresses.
    bool allow_http = false;
    bool allow_private = false;
};

// The URL's form (the API's check when a tenant sets it): https (or http
// where allowed), a host, no fragment, at most 2048 characters. Hosts given
// as IP literals are checked here already.
Status check_webhook_url(std::string_view url, const WebhookPolicy& policy = {});

// What a delivery connects to.
struct WebhookTarget {
    std::string host;
    int port = 443;
    std::string address;  // numeric, IPv6 without brackets
    // For CURLOPT_RESOLVE: "host:port:address"; empty when the host is an
    // address already.
    std::string resolve_entry() const;
};

// Checks the form, resolves the host and checks every address it has.
Expected<WebhookTarget> resolve_webhook_target(std::string_view url,
                                               const WebhookPolicy& policy = {});

// Why `address` may not be a webhook's (loopback, private, link-local,
// metadata, multicast, ...), or "" for a public address.
std::string forbidden_address_reason(const sockaddr* address);
// The same for a numeric address text ("" also for text that is no address).
std::string forbidden_address_reason(std::string_view numeric);

}  // namespace cs::relay::alerts

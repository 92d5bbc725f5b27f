#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "agent/ship/backoff.hpp"

namespace cs::agent::ship {

// Why the link to the relay is down. Each kind decides how long to wait and
// whether waiting can help at all.
enum class LinkFailure {
    none,
    network,               // DNS, TCP, resets, timeouts: transient
    proxy,                 // the proxy refused the tunnel or answered badly
    proxy_auth,            // the proxy wants (other) credentials: 407
    tls,                   // the relay's certificate could not be verified
    handshake,             // the WebSocket upgrade was refused (other than 401)
    unauthorized,          // 401: missing, unknown or revoked site key
    revoked,               // close 4003: the site key was revoked or rotated
    unsupported_protocol,  // close 4002, or a welcome choosing a version we do not speak
    replaced,              // close 4004: a newer connection for this site took over
    quota_exceeded,        // close 4005: the site is at a relay quota (e.g. streams per site)
    relay_busy,            // close 1013: the site lock is held elsewhere, try later
    relay_error,           // close 1011: transient failure on the relay side
    relay_shutdown,        // close 1001: the relay instance is going away
    protocol_violation,    // close 4000, sent or received
    message_too_big,       // close 1009, sent or received
    closed,                // any other close
    local,                 // the agent's own state store failed
};

std::string_view to_string(LinkFailure failure);

// The failure a close code from the relay stands for.
LinkFailure classify_close(std::uint16_t code);

// Failures that retrying cannot fix until a person changes something (the site
// key, the proxy credentials, the CA file, the agent version). `push` gives up
// on them at once; `run` keeps trying, slowly.
bool needs_operator(LinkFailure failure);

struct RetryPolicy {
    BackoffPolicy backoff;
    // The protocol asks agents not to retry a revoked key faster than every few
    // minutes; the same pace suits every failure that needs a person.
    std::chrono::milliseconds operator_wait{5 * 60 * 1000};
    // Another agent holds the site: coming back quickly would only fight it.
    std::chrono::milliseconds replaced_wait{60 * 1000};
    // A session that lasted this long counts as healthy and resets the backoff,
    // so a relay that welcomes and then drops at once does not cause a fast loop.
    std::chrono::milliseconds stable_after{30 * 1000};
};

// The wait before the next attempt after `failure` (jittered, never below the
// floor the failure kind sets).
std::chrono::milliseconds retry_delay(LinkFailure failure, Backoff& backoff,
                                      const RetryPolicy& policy);

}  // namespace cs::agent::ship

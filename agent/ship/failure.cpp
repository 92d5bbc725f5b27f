#include "agent/ship/failure.hpp"

#include <algorithm>

namespace cs::agent::ship {

std::string_view to_string(LinkFailure failure) {
    switch (failure) {
        case LinkFailure::none:
            return "none";
        case LinkFailure::network:
            return "network";
        case LinkFailure::proxy:
            return "proxy";
        case LinkFailure::proxy_auth:
            return "proxy_auth";
        case LinkFailure::tls:
            return "tls";
        case LinkFailure::handshake:
            return "handshake";
        case LinkFailure::unauthorized:
            return "unauthorized";
        case LinkFailure::revoked:
            return "revoked";
        case LinkFailure::unsupported_protocol:
            return "unsupported_protocol";
        case LinkFailure::replaced:
            return "replaced";
        case LinkFailure::quota_exceeded:
            return "quota_exceeded";
        case LinkFailure::relay_busy:
            return "relay_busy";
        case LinkFailure::relay_error:
            return "relay_error";
        case LinkFailure::relay_shutdown:
            return "relay_shutdown";
        case LinkFailure::protocol_violation:
            return "protocol_violation";
        case LinkFailure::message_too_big:
            return "message_too_big";
        case LinkFailure::closed:
            return "closed";
        case LinkFailure::local:
            return "local";
    }
    return "unknown";
}

LinkFailure classify_close(std::uint16_t code) {
    switch (code) {
        case 1001:
            return LinkFailure::relay_shutdown;
        case 1009:
            return LinkFailure::message_too_big;
        case 1011:
            return LinkFailure::relay_error;
        case 1013:
            return LinkFailure::relay_busy;
        case 4000:
            return LinkFailure::protocol_violation;
        case 4002:
            return LinkFailure::unsupported_protocol;
        case 4003:
            return LinkFailure::revoked;
        case 4004:
            return LinkFailure::replaced;
        case 4005:
            return LinkFailure::quota_exceeded;
        default:
            return LinkFailure::closed;
    }
}

bool needs_operator(LinkFailure failure) {
    switch (failure) {
        case LinkFailure::unauthorized:
        case LinkFailure::revoked:
        // Retrying cannot lift a quota: an operator raises the limit or
        // retires the site's old streams, so wait as long as for a revoked key.
        case LinkFailure::quota_exceeded:
        case LinkFailure::unsupported_protocol:
        case LinkFailure::proxy_auth:
        case LinkFailure::tls:
            return true;
        default:
            return false;
    }
}

std::chrono::milliseconds retry_delay(LinkFailure failure, Backoff& backoff,
                                      const RetryPolicy& policy) {
    auto delay = backoff.next();
    std::chrono::milliseconds floor{0};
    if (needs_operator(failure)) {
        floor = policy.operator_wait;
    } else if (failure == LinkFailure::replaced) {
        floor = policy.replaced_wait;
    }
    if (floor.count() > 0) {
        // Spread agents that were all refused at once (say, after a key rotation)
        // over a quarter of the floor instead of having them return in lockstep.
        delay = std::max(delay, backoff.between(floor, floor + floor / 4));
    }
    return delay;
}

}  // namespace cs::agent::ship

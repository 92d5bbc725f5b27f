#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/ship/failure.hpp"

namespace cs::agent::ship {

enum class LinkState {
    connecting,  // resolving, connecting, handshaking, waiting for the welcome
    connected,   // welcomed: shipping
    waiting,     // backing off before the next attempt
    stopped,     // stop() was called, or a failure ended the uplink (push)
};
std::string_view to_string(LinkState state);

// What the uplink is doing, for heartbeats, `push` and logs. A snapshot: the
// uplink thread keeps updating its own copy.
struct UplinkStatus {
    LinkState state = LinkState::connecting;
    LinkFailure failure = LinkFailure::none;  // the last failure; kept after reconnecting
    std::string reason;                       // what that failure was, in one line
    std::string blocked;  // why shipping is stuck while connected (e.g. a frame too big)
    std::int64_t connected_at_us = 0;
    std::int64_t next_attempt_at_us = 0;
    int consecutive_failures = 0;
    std::int64_t sessions = 0;  // welcomes received since start
    std::int64_t sent = 0;      // change sets written to the relay
    std::int64_t applied = 0;
    std::int64_t duplicates = 0;
    std::int64_t rejected = 0;
    std::string last_rejection;  // "sequence N (entity): reason"
    // The outbox is empty, nothing is in flight or waiting for the store, and
    // every run report and failed row has been delivered.
    bool drained = false;
    int protocol = 0;
    std::string relay_version;
    std::string site_id;
    std::string tenant_id;
};

}  // namespace cs::agent::ship

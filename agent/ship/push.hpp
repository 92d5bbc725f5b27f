#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "agent/ship/uplink.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::ship {

struct PushResult {
    bool drained = false;        // the outbox was empty and every report delivered
    std::int64_t remaining = 0;  // change sets still in the outbox afterwards
    std::int64_t sent = 0;
    std::int64_t applied = 0;
    std::int64_t duplicates = 0;
    std::int64_t rejected = 0;  // quarantined: handled, but someone must look
    std::string last_rejection;
    bool timed_out = false;
    bool interrupted = false;                 // `stop` was raised
    LinkFailure failure = LinkFailure::none;  // what stopped it, or the last failure seen
    std::string reason;
};

// `contractsync-agent push`: connects, ships the whole outbox, waits for the
// acks (and for run reports and failed rows to be delivered), then closes.
// Gives up at once on failures that need a person (401, 4002, 4003, 407, an
// untrusted certificate); retries anything else with backoff until `timeout`.
Expected<PushResult> push_outbox(UplinkOptions options, std::chrono::milliseconds timeout,
                                 const std::atomic<bool>* stop = nullptr);

}  // namespace cs::agent::ship

#include "agent/ship/push.hpp"

#include "agent/outbox/outbox.hpp"
#include "agent/store/state_db.hpp"

namespace cs::agent::ship {

Expected<PushResult> push_outbox(UplinkOptions options, std::chrono::milliseconds timeout,
                                 const std::atomic<bool>* stop) {
    options.give_up_on_operator_failures = true;
    auto state_db = options.state_db;
    auto uplink = Uplink::start(std::move(options), nullptr);
    if (!uplink) {
        return std::move(uplink).error();
    }
    PushResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    UplinkStatus status;
    auto finished = [](const UplinkStatus& s) {
        return s.drained || s.state == LinkState::stopped || !s.blocked.empty();
    };
    // Short slices so a stop request (Ctrl+C) is noticed promptly.
    while (true) {
        auto slice =
            std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
        status = (*uplink)->wait_until(finished, slice);
        if (finished(status)) {
            break;
        }
        if (stop != nullptr && stop->load()) {
            result.interrupted = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            result.timed_out = true;
            break;
        }
    }
    // stop() clears `drained` (a stopped link ships nothing), so read it first.
    result.drained = status.drained;
    (*uplink)->stop();
    status = (*uplink)->status();
    result.sent = status.sent;
    result.applied = status.applied;
    result.duplicates = status.duplicates;
    result.rejected = status.rejected;
    result.last_rejection = status.last_rejection;
    result.failure = status.failure;
    result.reason = !status.blocked.empty() ? status.blocked : status.reason;
    uplink->reset();
    // Judge by the store itself, not by what the session believed.
    auto store = StateDb::open(state_db);
    if (!store) {
        return std::move(store).error();
    }
    auto stats = Outbox(store->db()).stats();
    if (!stats) {
        return std::move(stats).error();
    }
    result.remaining = stats->depth;
    if (result.remaining > 0) {
        result.drained = false;
    }
    return result;
}

}  // namespace cs::agent::ship

#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "agent/ship/messages.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::ship {

// What the delivery bookkeeping asks of the outbox. ProtocolSession passes an
// adapter over the agent's Outbox (delete_through is Outbox::acknowledge_through);
// tests pass a recorder.
class DeliveryStore {
public:
    virtual ~DeliveryStore() = default;
    virtual Status delete_through(std::uint64_t sequence) = 0;
    virtual Status quarantine(std::uint64_t sequence, const std::string& error) = 0;
};

// Which change sets are on the wire, and what the outbox must do once acks
// arrive. The outbox deletes "everything up to N", so deletion only ever
// advances through a contiguous run of settled sets, and a rejected set is
// quarantined before anything after it is deleted: it can never be swept away
// by a later ack, even if its quarantine failed the first time.
class DeliveryWindow {
public:
    // A new session after a welcome. Sets that were in flight are forgotten (they
    // are still in the outbox and will be sent again); rejected sets whose
    // quarantine has not succeeded yet are kept.
    void begin_session(std::uint64_t last_applied, std::size_t window);

    // Sending resumes after this sequence.
    std::uint64_t next_after() const { return next_after_; }
    std::size_t in_flight() const { return in_flight_; }
    std::size_t window() const { return window_; }
    // How many more sets may be sent now without exceeding the window.
    std::size_t room() const { return window_ > in_flight_ ? window_ - in_flight_ : 0; }

    void sent(std::uint64_t sequence);

    enum class AckResult { recorded, not_in_flight };
    AckResult acknowledge(std::uint64_t sequence, AckStatus status, const std::string& error);

    // The welcome's last_sequence, lowered so it never passes a rejected set
    // that is not quarantined yet. nullopt: nothing may be trimmed.
    std::optional<std::uint64_t> trim_through(std::uint64_t last_applied) const;

    // Applies acknowledged outcomes to the store in sequence order. Stops at the
    // first store error (the caller retries later); nothing is lost meanwhile.
    Status settle(DeliveryStore& store);
    // True when no acknowledged outcome waits for the store.
    bool settled() const;

private:
    enum class State { in_flight, done, rejected };
    struct Slot {
        State state = State::in_flight;
        std::string error;
    };

    std::map<std::uint64_t, Slot> slots_;
    std::uint64_t next_after_ = 0;
    std::size_t in_flight_ = 0;
    std::size_t window_ = 1;
};

}  // namespace cs::agent::ship

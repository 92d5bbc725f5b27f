#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cs::relay::testing {

// The agent's shipping loop, as docs/protocol.md describes it, for fault tests:
// connect, hello, drop what the welcome says is applied, send the rest in order
// with up to `window` unacknowledged, remove a set only when acknowledged, and
// on any disconnect reconnect and resend from the new welcome.
struct UplinkOptions {
    int port = 0;
    std::string key;
    std::string stream_id;
    std::size_t window = 4;
    bool duplicate_frames = false;  // send every frame twice in a row
    std::chrono::seconds deadline{180};
    std::chrono::milliseconds reconnect_delay{200};
    // Called after each ack (on the uplink's thread), e.g. to inject a fault.
    std::function<void(std::uint64_t sequence, const std::string& status)> on_ack;
};

struct UplinkReport {
    bool complete = false;                                   // every frame acknowledged
    int connections = 0;                                     // successful upgrades
    std::map<std::uint64_t, std::vector<std::string>> acks;  // statuses received per sequence
    std::vector<std::uint16_t> close_codes;                  // closes the relay sent
    std::vector<int> refusals;                               // HTTP statuses of refused upgrades
    std::string last_problem;
};

UplinkReport run_uplink(const std::map<std::uint64_t, std::string>& frames,
                        const UplinkOptions& options);

}  // namespace cs::relay::testing

#include "tests/relay/support/uplink.hpp"

#include <set>
#include <thread>

#include "tests/relay/support/test_agent.hpp"

namespace cs::relay::testing {
namespace {

using Clock = std::chrono::steady_clock;

// One connection's worth of shipping; returns when everything is acknowledged
// or the connection ends.
void ship(TestAgent& agent, std::map<std::uint64_t, std::string>& pending, const UplinkOptions& o,
          UplinkReport& report, Clock::time_point deadline) {
    auto welcome = agent.hello({o.stream_id});
    auto json = welcome.json();
    if (json.value("type", "") != "welcome") {
        report.last_problem = "no welcome: " + welcome.describe();
        if (welcome.kind == TestAgent::Message::Kind::closed) {
            report.close_codes.push_back(welcome.close_code);
        }
        return;
    }
    std::uint64_t last = 0;
    for (const auto& s : json["streams"]) {
        if (s.value("stream_id", "") == o.stream_id) {
            last = s.value("last_sequence", std::uint64_t{0});
        }
    }
    pending.erase(pending.begin(), pending.upper_bound(last));
    std::set<std::uint64_t> inflight;
    std::size_t acks_due = 0;  // one per copy sent, so duplicates' acks are read too
    auto next = pending.begin();
    while (Clock::now() < deadline) {
        while (inflight.size() < o.window && next != pending.end()) {
            for (int copy = 0; copy < (o.duplicate_frames ? 2 : 1); ++copy) {
                if (!agent.send_binary(next->second)) {
                    report.last_problem = "send failed";
                    return;
                }
                ++acks_due;
            }
            inflight.insert(next->first);
            ++next;
        }
        if (inflight.empty() && acks_due == 0) {
            return;
        }
        auto m = agent.read(std::chrono::seconds(60));
        if (m.kind == TestAgent::Message::Kind::closed) {
            report.close_codes.push_back(m.close_code);
            report.last_problem = m.describe();
            return;
        }
        if (m.kind != TestAgent::Message::Kind::text) {
            report.last_problem = m.describe();
            return;
        }
        auto j = m.json();
        if (j.value("type", "") != "ack") {
            continue;  // commands and the like
        }
        auto seq = j.value("sequence", std::uint64_t{0});
        auto status = j.value("status", "");
        report.acks[seq].push_back(status);
        acks_due -= acks_due > 0 ? 1 : 0;
        if (inflight.erase(seq) > 0) {
            // The iterator `next` never points at an acknowledged set: acks only
            // arrive for sets already sent.
            pending.erase(seq);
        }
        if (o.on_ack) {
            o.on_ack(seq, status);
        }
    }
}

}  // namespace

UplinkReport run_uplink(const std::map<std::uint64_t, std::string>& frames,
                        const UplinkOptions& o) {
    UplinkReport report;
    auto pending = frames;
    auto deadline = Clock::now() + o.deadline;
    while (!pending.empty() && Clock::now() < deadline) {
        TestAgent agent(o.port);
        int status = agent.connect(o.key);
        if (status == 101) {
            ++report.connections;
            ship(agent, pending, o, report, deadline);
            agent.abort();
        } else {
            report.refusals.push_back(status);
            report.last_problem =
                "upgrade refused: " + std::to_string(status) + " " + agent.refusal_body();
        }
        if (!pending.empty()) {
            std::this_thread::sleep_for(o.reconnect_delay);
        }
    }
    report.complete = pending.empty();
    return report;
}

}  // namespace cs::relay::testing

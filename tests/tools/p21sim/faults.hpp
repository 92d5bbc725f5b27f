#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::p21sim {

struct RateLimit {
    std::uint64_t requests = 0;  // 0: no limit
    std::int64_t window_ms = 60'000;
};

// "600/min", "10/s", "5000/h" or "off".
Expected<RateLimit> parse_rate_limit(std::string_view text);
std::string format_rate_limit(const RateLimit& limit);

// Injected failures. "Request N" counts every non-admin request and "page N"
// every data request (tables, views, data services, generic), both from the
// moment the faults were last set; N starts at 1, 0 turns the fault off.
struct FaultConfig {
    std::int64_t latency_ms = 0;      // added to every request
    std::int64_t jitter_ms = 0;       // plus uniformly 0..jitter_ms
    std::uint64_t error_every = 0;    // 500 on every Nth request
    double error_probability = 0;     // 500 with this probability
    RateLimit rate_limit;             // 429 + Retry-After beyond it
    std::uint64_t force_429 = 0;      // the next N requests answer 429
    std::int64_t retry_after_s = 0;   // Retry-After for forced 429s (0: 1 s)
    std::uint64_t truncate_page = 0;  // page N: half the body, then the connection closes
    double truncate_probability = 0;  // any page, with this probability
    std::uint64_t stall_page = 0;     // page N is held stall_ms before it is sent
    std::int64_t stall_ms = 30'000;
    std::uint64_t expire_token_page = 0;  // page N revokes every token and answers 401
};

struct FaultCounters {
    std::uint64_t delayed = 0;
    std::uint64_t errors_500 = 0;
    std::uint64_t rate_limited_429 = 0;
    std::uint64_t forced_429 = 0;
    std::uint64_t truncated = 0;
    std::uint64_t stalled = 0;
    std::uint64_t tokens_expired = 0;
};

// Decides, request by request, which faults fire. Deterministic for a seed and a
// request sequence. Thread-safe.
class Faults {
public:
    Faults(FaultConfig config, std::uint64_t seed);

    struct RequestDecision {
        std::int64_t delay_ms = 0;
        int status = 0;  // 0: no failure; 429 or 500
        std::int64_t retry_after_s = 0;
        std::string message;
    };
    // Called for every non-admin request with a monotonic time in milliseconds.
    RequestDecision on_request(std::int64_t steady_ms);

    struct PageDecision {
        bool expire_tokens = false;
        bool truncate = false;
        std::int64_t stall_ms = 0;
    };
    // Called for every data request before authentication.
    PageDecision on_page();

    // A page decision was carried out (the page was a 200 that could be cut or held).
    void note_truncated();
    void note_stalled();

    // Replaces the configuration; request and page numbers count from here.
    void set(FaultConfig config);
    FaultConfig config() const;
    FaultCounters counters() const;
    // Back to `config` with counters and the random sequence restarted.
    void reset(FaultConfig config);

private:
    mutable std::mutex mutex_;
    FaultConfig config_;
    FaultCounters counters_;
    std::uint64_t seed_;
    std::mt19937_64 random_;
    std::uint64_t requests_ = 0;
    std::uint64_t pages_ = 0;
    std::uint64_t forced_left_ = 0;
    std::deque<std::int64_t> window_;  // accepted request times within the rate window
};

}  // namespace cs::p21sim

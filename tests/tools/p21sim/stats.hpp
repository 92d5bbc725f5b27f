#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace cs::p21sim {

// Counters for /__admin/stats. Thread-safe.
class Stats {
public:
    void request(std::string_view path);
    void admin_request();
    void response(int status, std::uint64_t body_bytes, std::uint64_t rows);
    void token_failure(std::string_view reason);

    struct Snapshot {
        std::map<std::string, std::uint64_t> requests;  // by path, admin excluded
        std::map<int, std::uint64_t> statuses;
        std::map<std::string, std::uint64_t> token_failures;  // 401s by reason
        std::uint64_t admin_requests = 0;
        std::uint64_t rows_served = 0;
        std::uint64_t pages_served = 0;  // 200 answers that carried rows
        std::uint64_t bytes_sent = 0;    // response bodies, as sent (truncated: the part sent)
    };
    Snapshot snapshot() const;
    void reset();

private:
    mutable std::mutex mutex_;
    Snapshot s_;
};

}  // namespace cs::p21sim

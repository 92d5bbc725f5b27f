#include "tests/tools/p21sim/stats.hpp"

namespace cs::p21sim {

namespace {
constexpr std::size_t kMaxPaths = 1000;  // distinct paths kept; the rest share "(other)"
}

void Stats::request(std::string_view path) {
    std::lock_guard lock(mutex_);
    auto it = s_.requests.find(std::string(path));
    if (it != s_.requests.end()) {
        ++it->second;
    } else if (s_.requests.size() < kMaxPaths) {
        s_.requests.emplace(std::string(path), 1);
    } else {
        ++s_.requests["(other)"];
    }
}

void Stats::admin_request() {
    std::lock_guard lock(mutex_);
    ++s_.admin_requests;
}

void Stats::response(int status, std::uint64_t body_bytes, std::uint64_t rows) {
    std::lock_guard lock(mutex_);
    ++s_.statuses[status];
    s_.bytes_sent += body_bytes;
    s_.rows_served += rows;
    if (status == 200 && rows > 0) {
        ++s_.pages_served;
    }
}

void Stats::token_failure(std::string_view reason) {
    std::lock_guard lock(mutex_);
    ++s_.token_failures[std::string(reason)];
}

Stats::Snapshot Stats::snapshot() const {
    std::lock_guard lock(mutex_);
    return s_;
}

void Stats::reset() {
    std::lock_guard lock(mutex_);
    s_ = {};
}

}  // namespace cs::p21sim

#include "tests/tools/p21sim/faults.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace cs::p21sim {

Expected<RateLimit> parse_rate_limit(std::string_view text) {
    if (text == "off" || text == "0") {
        return RateLimit{};
    }
    auto slash = text.find('/');
    std::uint64_t n = 0;
    std::string_view number = text.substr(0, slash);
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
    std::string_view unit = slash == std::string_view::npos ? "" : text.substr(slash + 1);
    std::int64_t window = unit == "s" ? 1000 : unit == "min" ? 60'000 : unit == "h" ? 3'600'000 : 0;
    if (ec != std::errc() || end != number.data() + number.size() || window == 0 || n == 0) {
        return make_error(ErrorCode::invalid_argument,
                          "rate limit '{}': expected <requests>/s, /min or /h, or off", text);
    }
    return RateLimit{n, window};
}

std::string format_rate_limit(const RateLimit& limit) {
    if (limit.requests == 0) {
        return "off";
    }
    std::string_view unit =
        limit.window_ms == 1000 ? "s" : (limit.window_ms == 60'000 ? "min" : "h");
    return fmt::format("{}/{}", limit.requests, unit);
}

Faults::Faults(FaultConfig config, std::uint64_t seed)
    : config_(config), seed_(seed), random_(seed), forced_left_(config.force_429) {}

Faults::RequestDecision Faults::on_request(std::int64_t steady_ms) {
    std::lock_guard lock(mutex_);
    RequestDecision d;
    ++requests_;
    if (config_.latency_ms > 0 || config_.jitter_ms > 0) {
        d.delay_ms = config_.latency_ms;
        if (config_.jitter_ms > 0) {
            d.delay_ms += static_cast<std::int64_t>(
                random_() % static_cast<std::uint64_t>(config_.jitter_ms + 1));
        }
        ++counters_.delayed;
    }
    if (forced_left_ > 0) {
        --forced_left_;
        ++counters_.forced_429;
        d.status = 429;
        d.retry_after_s = config_.retry_after_s > 0 ? config_.retry_after_s : 1;
        d.message = "Too many requests (forced by the simulator).";
        return d;
    }
    if (config_.rate_limit.requests > 0) {
        while (!window_.empty() && window_.front() <= steady_ms - config_.rate_limit.window_ms) {
            window_.pop_front();
        }
        if (window_.size() >= config_.rate_limit.requests) {
            ++counters_.rate_limited_429;
            std::int64_t wait_ms = window_.front() + config_.rate_limit.window_ms - steady_ms;
            d.status = 429;
            d.retry_after_s = std::max<std::int64_t>(1, (wait_ms + 999) / 1000);
            d.message = fmt::format("Rate limit of {} exceeded; retry after {} s.",
                                    format_rate_limit(config_.rate_limit), d.retry_after_s);
            return d;
        }
        window_.push_back(steady_ms);
    }
    bool every = config_.error_every != 0 && requests_ % config_.error_every == 0;
    bool chance = config_.error_probability > 0 &&
                  std::uniform_real_distribution<double>(0, 1)(random_) < config_.error_probability;
    if (every || chance) {
        ++counters_.errors_500;
        d.status = 500;
        d.message = "An error has occurred (injected by the simulator).";
    }
    return d;
}

Faults::PageDecision Faults::on_page() {
    std::lock_guard lock(mutex_);
    PageDecision d;
    ++pages_;
    if (config_.expire_token_page != 0 && pages_ == config_.expire_token_page) {
        d.expire_tokens = true;
        ++counters_.tokens_expired;
    }
    bool chance = config_.truncate_probability > 0 && std::uniform_real_distribution<double>(0, 1)(
                                                          random_) < config_.truncate_probability;
    if ((config_.truncate_page != 0 && pages_ == config_.truncate_page) || chance) {
        d.truncate = true;
    }
    if (config_.stall_page != 0 && pages_ == config_.stall_page) {
        d.stall_ms = config_.stall_ms;
    }
    return d;
}

void Faults::note_truncated() {
    std::lock_guard lock(mutex_);
    ++counters_.truncated;
}

void Faults::note_stalled() {
    std::lock_guard lock(mutex_);
    ++counters_.stalled;
}

void Faults::set(FaultConfig config) {
    std::lock_guard lock(mutex_);
    config_ = config;
    requests_ = 0;
    pages_ = 0;
    forced_left_ = config.force_429;
    window_.clear();
}

FaultConfig Faults::config() const {
    std::lock_guard lock(mutex_);
    return config_;
}

FaultCounters Faults::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

void Faults::reset(FaultConfig config) {
    set(config);
    std::lock_guard lock(mutex_);
    counters_ = {};
    random_.seed(seed_);
}

}  // namespace cs::p21sim

#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

namespace cs::relay::testing {

// Captures what the process logs through the default spdlog logger while it
// lives, beside the sinks already there. Install it before the relay starts
// and let it go after the relay stopped: spdlog's free functions read the
// default logger without a lock, so swapping it under running threads races.
class LogCapture {
public:
    explicit LogCapture(std::size_t lines = 20'000)
        : previous_(spdlog::default_logger()),
          sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(lines)) {
        auto sinks = previous_->sinks();
        sinks.push_back(sink_);
        auto logger =
            std::make_shared<spdlog::logger>(previous_->name(), sinks.begin(), sinks.end());
        logger->set_level(spdlog::level::info);
        sink_->set_pattern("%l %v");
        spdlog::set_default_logger(std::move(logger));
    }
    ~LogCapture() { spdlog::set_default_logger(previous_); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    // Every captured line, as "<level> <message>".
    std::vector<std::string> lines() const { return sink_->last_formatted(); }

    // Lines that contain every one of `parts`.
    std::size_t count(std::initializer_list<std::string_view> parts) const {
        std::size_t n = 0;
        for (const auto& line : lines()) {
            bool all = true;
            for (auto part : parts) {
                all = all && line.find(part) != std::string::npos;
            }
            n += all ? 1 : 0;
        }
        return n;
    }
    bool contains(std::string_view text) const { return count({text}) > 0; }

    // All captured lines in one string, for failure messages.
    std::string text() const {
        std::string out;
        for (const auto& line : lines()) {
            out += line;
        }
        return out;
    }

private:
    std::shared_ptr<spdlog::logger> previous_;
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

}  // namespace cs::relay::testing

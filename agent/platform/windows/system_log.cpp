#include "agent/platform/windows/system_log.hpp"

#include <mutex>

#include <spdlog/sinks/base_sink.h>

#include "agent/platform/system_log.hpp"
#include "common/text/windows/wide.hpp"

#include "event_messages.h"  // generated from event_messages.mc

namespace cs::agent::platform {
namespace {

constexpr wchar_t kSource[] = L"ContractSyncAgent";

class EventLogSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit EventLogSink(EventReporter reporter) : reporter_(std::move(reporter)) {
        set_level(spdlog::level::err);
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        if (msg.level < spdlog::level::warn) {
            return;
        }
        spdlog::memory_buf_t text;
        formatter_->format(msg, text);
        std::string line(text.data(), text.size());
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
            line.pop_back();
        }
        const bool error = msg.level >= spdlog::level::err;
        reporter_(error ? EVENTLOG_ERROR_TYPE : EVENTLOG_WARNING_TYPE,
                  error ? CS_MSG_ERROR : CS_MSG_WARNING, text::widen(line));
    }
    void flush_() override {}

private:
    EventReporter reporter_;
};

}  // namespace

void report_event(WORD type, DWORD message, const std::wstring& detail) {
    HANDLE source = RegisterEventSourceW(nullptr, kSource);
    if (source == nullptr) {
        return;
    }
    const wchar_t* strings[] = {detail.c_str()};
    ReportEventW(source, type, 0, message, nullptr, 1, 0, strings, nullptr);
    DeregisterEventSource(source);
}

std::shared_ptr<spdlog::sinks::sink> make_event_log_sink(EventReporter reporter) {
    return std::make_shared<EventLogSink>(std::move(reporter));
}

std::shared_ptr<spdlog::sinks::sink> system_log_sink() {
    return make_event_log_sink(&report_event);
}

}  // namespace cs::agent::platform

#pragma once

#include <functional>
#include <memory>
#include <string>

#include <windows.h>

namespace spdlog::sinks {
class sink;
}

namespace cs::agent::platform {

// One entry in the Application log under the ContractSyncAgent source; the
// text comes from the message table in the executable (event_messages.mc),
// with `detail` as its %1. Does nothing when the source is not registered
// (a console run before `install`): the log file has everything anyway.
void report_event(WORD type, DWORD message, const std::wstring& detail);

// What an Event Log sink calls for each line: the event type, the message id
// and the line (UTF-16).
using EventReporter = std::function<void(WORD type, DWORD message, const std::wstring& text)>;

// An spdlog sink that passes warn-or-worse lines to `reporter`; its level
// (error by default) decides which of those it takes. The formatter that
// common/log installs redacts secrets before this sees the text.
std::shared_ptr<spdlog::sinks::sink> make_event_log_sink(EventReporter reporter);

}  // namespace cs::agent::platform

#pragma once

#include <memory>

namespace spdlog::sinks {
class sink;
}

namespace cs::agent::platform {

// Where the service's error-level log lines go besides its log file, for
// the operators who watch the machine's own log. Windows: the Application
// event log, source ContractSyncAgent (event 6 for errors, the line as its
// text, secrets redacted like every sink's). POSIX: none (systemd's journal
// already has stderr); nullptr.
std::shared_ptr<spdlog::sinks::sink> system_log_sink();

}  // namespace cs::agent::platform

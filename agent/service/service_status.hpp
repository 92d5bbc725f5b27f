#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"

namespace cs::agent {

// What the running service says about itself for `status` and
// `support-bundle`, which run in other processes: `<state_dir>/service.json`,
// rewritten every few seconds (pid, version, start time, the relay
// connection). A file older than kServiceStatusStale means the service is
// not running, whatever it last said.
inline constexpr std::chrono::seconds kServiceStatusInterval{5};
inline constexpr std::chrono::seconds kServiceStatusStale{30};

std::filesystem::path service_status_path(const std::filesystem::path& state_dir);

class ServiceStatusWriter {
public:
    // `snapshot` is called on the writer's thread and returns the "relay" object.
    ServiceStatusWriter(std::filesystem::path path, std::filesystem::path config,
                        std::function<nlohmann::json()> snapshot);
    // Writes a last report saying "stopped".
    ~ServiceStatusWriter();
    ServiceStatusWriter(const ServiceStatusWriter&) = delete;
    ServiceStatusWriter& operator=(const ServiceStatusWriter&) = delete;

private:
    void write(bool stopped);

    std::filesystem::path path_;
    nlohmann::json base_;
    std::function<nlohmann::json()> snapshot_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

// The last report, with "running" (fresh and not stopped) and "age_seconds"
// added; nothing when the service never ran with this state folder.
Expected<std::optional<nlohmann::json>> read_service_status(const std::filesystem::path& state_dir);

}  // namespace cs::agent

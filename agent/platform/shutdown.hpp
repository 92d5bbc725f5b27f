#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/expected.hpp"

namespace cs::agent::platform {

// One stop request for the whole process, whoever asks: a signal, the service
// manager, or code. Long work polls flag() (sync_entities takes it as its stop
// flag); loops that sleep use wait_for() so a stop wakes them at once.
class Shutdown {
public:
    void request(std::string why);
    bool requested() const { return flag_.load(); }
    const std::atomic<bool>& flag() const { return flag_; }
    std::string reason() const;
    // Sleeps up to `timeout`; returns true as soon as a stop is requested.
    bool wait_for(std::chrono::milliseconds timeout);
    // Called (on the requesting thread) when a stop is requested, e.g. to wake
    // another wait. Must not block.
    void on_request(std::function<void()> listener);

private:
    std::atomic<bool> flag_{false};
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string reason_;
    std::vector<std::function<void()>> listeners_;
};

// Routes the platform's stop requests to `shutdown` while it lives (POSIX:
// SIGINT and SIGTERM; Windows: console control events and the service stop
// request). A second request while the first is being honoured ends the
// process at once. One at a time per process.
//
// `on_reload`, when given, is called (on a watcher thread; it must not block)
// for a request to re-read the configuration: SIGHUP on POSIX. Without it a
// SIGHUP is ignored rather than ending the process, its default.
class StopRequests {
public:
    static Expected<std::unique_ptr<StopRequests>> watch(Shutdown& shutdown,
                                                         std::function<void()> on_reload = {});
    virtual ~StopRequests() = default;
};

}  // namespace cs::agent::platform

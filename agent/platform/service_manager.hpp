#pragma once

#include <filesystem>
#include <functional>
#include <optional>

#include "agent/platform/shutdown.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::platform {

// What `run` tells the platform's service manager about its life cycle.
// systemd hears it through common/service (sd_notify); the Windows Service
// Control Manager through this.
class ServiceManagerLink {
public:
    virtual ~ServiceManagerLink() = default;
    // Start-up is complete (Windows: SERVICE_RUNNING).
    virtual void running() {}
    // A stop was requested and is being honoured (Windows: SERVICE_STOP_PENDING).
    virtual void stopping() {}
};

// When the service manager started this process as the agent's service,
// runs `body` as that service and returns its exit code: Windows reports
// START_PENDING, RUNNING once body calls running(), STOP_PENDING when the SCM
// asks to stop (or the machine shuts down; `shutdown` is requested then), and
// STOPPED with body's exit code. Otherwise (a console; POSIX, where systemd
// needs none of this) returns nothing and the caller runs in the foreground.
std::optional<int> run_as_service(const std::function<int(ServiceManagerLink&, Shutdown&)>& body);

struct ServiceInstall {
    std::filesystem::path program;  // this executable
    std::filesystem::path config;   // passed to `run --config`
};

// Registers the agent as a service (Windows: `ContractSyncAgent` running as
// the virtual account NT SERVICE\ContractSyncAgent, automatic start, restart
// on failure three times then reset after a day, an Event Log source).
// POSIX: an error pointing at the package, which installs the systemd unit.
Status install_service(const ServiceInstall& install);
Status uninstall_service();

}  // namespace cs::agent::platform

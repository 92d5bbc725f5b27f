// On POSIX the service manager is systemd: the package installs and enables
// the unit (installer/linux), and `run` speaks sd_notify through
// common/service. Nothing to register from the program itself.
#include "agent/platform/service_manager.hpp"

namespace cs::agent::platform {

std::optional<int> run_as_service(const std::function<int(ServiceManagerLink&, Shutdown&)>&) {
    return std::nullopt;
}

Status install_service(const ServiceInstall&) {
    return make_error(ErrorCode::invalid_argument,
                      "install registers the Windows service; on Linux the contractsync-agent "
                      "package installs and enables contractsync-agent.service "
                      "(docs/install-linux.md)");
}

Status uninstall_service() {
    return make_error(ErrorCode::invalid_argument,
                      "uninstall removes the Windows service; on Linux remove the "
                      "contractsync-agent package (apt remove contractsync-agent)");
}

}  // namespace cs::agent::platform

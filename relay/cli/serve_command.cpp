#include "relay/cli/serve_command.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include "relay/cli/cli_support.hpp"
#include "relay/cli/relay_service.hpp"

namespace cs::relay::cli {

int run_serve(const std::filesystem::path& config_path) {
    // Signals are taken synchronously by this thread; every thread started
    // below inherits the blocked mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    auto config = load_and_init(config_path, false);
    if (!config) {
        return fail(config.error());
    }
    auto service = RelayService::start(*config);
    if (!service) {
        return fail(service.error());
    }
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("received signal {}; shutting down", signal_number);
    (*service)->stop();
    return 0;
}

}  // namespace cs::relay::cli

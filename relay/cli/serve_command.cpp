#include "relay/cli/serve_command.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include "common/service/service_notifier.hpp"
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
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    // systemd (Type=notify) hears READY=1 once the schema is migrated and the
    // listener is bound, STOPPING=1 at the signal, WATCHDOG=1 if it asks.
    auto notifier = service::ServiceNotifier::from_environment();
    service::WatchdogPinger watchdog(notifier);
    auto config = load_and_init(config_path, false);
    if (!config) {
        return fail(config.error());
    }
    auto service = RelayService::start(*config);
    if (!service) {
        return fail(service.error());
    }
    if (auto st = notifier.ready(fmt::format("listening on port {}", (*service)->port())); !st) {
        spdlog::warn("cannot tell the service manager the relay is ready: {}", st.error().message);
    }
    int signal_number = 0;
    while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
        // The relay reads its configuration once; ending on SIGHUP (its
        // default) would surprise an operator who expected a reload.
        spdlog::warn("SIGHUP: the relay reads {} at start only; restart it to apply changes",
                     config_path.string());
    }
    (void)notifier.stopping("closing agent sessions");
    spdlog::info("received signal {}; shutting down", signal_number);
    (*service)->stop();
    return 0;
}

}  // namespace cs::relay::cli

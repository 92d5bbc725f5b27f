#include "agent/service/agent_service.hpp"

#include <memory>
#include <mutex>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "agent/metrics/metrics_server.hpp"
#include "agent/platform/service_manager.hpp"
#include "agent/platform/shutdown.hpp"
#include "agent/platform/system_log.hpp"
#include "agent/service/metrics_scrape.hpp"
#include "agent/service/service_loop.hpp"
#include "agent/service/service_status.hpp"
#include "agent/ship/agent_status.hpp"
#include "agent/ship/setup/uplink_setup.hpp"
#include "agent/ship/uplink.hpp"
#include "agent/track/run_record.hpp"
#include "common/log/log.hpp"
#include "common/service/service_notifier.hpp"
#include "common/version/version.hpp"

namespace cs::agent {
namespace {

// The service body, whoever runs it: `link` is the Windows Service Control
// Manager when it started the process (a no-op otherwise), `shutdown` the
// stop request it and the signals share.
int run_service(const ServiceStart& start, platform::ServiceManagerLink& link,
                platform::Shutdown& shutdown) {
    // systemd learns of each step when it runs the agent as a Type=notify
    // service; from a terminal this does nothing.
    auto notifier = service::ServiceNotifier::from_environment();
    service::WatchdogPinger watchdog(notifier);
    auto config = start.load_config();
    if (!config) {
        return start.fail(config.error());
    }
    // A service logs where its config says (file, JSON); the command line may
    // still choose the level.
    log::Options log_options = config->log;
    log_options.system_log = platform::system_log_sink();  // errors also to the Event Log
    if (start.log_level_given) {
        log_options.level = start.log_level;
    }
    if (auto st = log::init(log_options); !st) {
        return start.fail(st.error());
    }
    // Ctrl+C and SIGTERM become a clean stop from here on; the running batch
    // commits first (the stop flag is checked between batches and pages).
    shutdown.on_request([&notifier, &link] {
        (void)notifier.stopping("finishing the running commit");
        link.stopping();
    });
    ServiceLoop* loop_for_reload = nullptr;
    std::mutex reload_mutex;
    auto signals = platform::StopRequests::watch(shutdown, [&] {
        std::lock_guard lock(reload_mutex);
        if (loop_for_reload != nullptr) {
            loop_for_reload->request_reload();
        }
    });
    if (!signals) {
        return start.fail(signals.error());
    }
    auto store = start.open_store(*config);
    if (!store) {
        return start.fail(store.error());
    }
    if (auto st = RunStore(store->db()).close_interrupted(now_micros()); !st) {
        return start.fail(st.error());
    }
    auto options = ship::uplink_options(*config);
    if (!options) {
        return start.fail(options.error());
    }
    metrics::RunCounters counters;
    ServiceLoop loop(*config, *store, shutdown, notifier, start.log_level_given, start.log_level,
                     counters);
    if (auto st = loop.restore(); !st) {
        return start.fail(st.error());
    }
    auto uplink = ship::Uplink::start(std::move(*options), &loop);
    if (!uplink) {
        return start.fail(uplink.error());
    }
    {
        std::lock_guard lock(reload_mutex);
        loop_for_reload = &loop;
    }
    // `status` and `support-bundle` read this from other processes.
    ServiceStatusWriter status_file(service_status_path(config->state_dir), config->path,
                                    [&uplink, url = config->relay->url] {
                                        auto j = ship::connection_json((*uplink)->status());
                                        j["url"] = url;
                                        return j;
                                    });
    std::unique_ptr<metrics::MetricsServer> metrics_server;
    if (config->metrics) {
        auto server = metrics::MetricsServer::start(
            config->metrics->host, config->metrics->port,
            metrics_scrape(*config, counters, [&uplink] { return (*uplink)->status(); }));
        if (!server) {
            return start.fail(server.error());
        }
        metrics_server = std::move(*server);
        spdlog::info("metrics on http://{}/metrics",
                     config->metrics->host.find(':') == std::string::npos
                         ? fmt::format("{}:{}", config->metrics->host, metrics_server->port())
                         : fmt::format("[{}]:{}", config->metrics->host, metrics_server->port()));
    }
    spdlog::info("contractsync-agent {} running: {}", cs::version(), describe_service(*config));
    if (auto st = notifier.ready(describe_service(*config)); !st) {
        spdlog::warn("cannot tell the service manager the agent is ready: {}", st.error().message);
    }
    link.running();
    loop.run(**uplink);
    spdlog::info("stopping ({})", shutdown.reason());
    metrics_server.reset();
    (*uplink)->stop();
    {
        std::lock_guard lock(reload_mutex);
        loop_for_reload = nullptr;
    }
    return 0;
}

}  // namespace

int run_agent_service(const ServiceStart& start, bool console) {
    auto body = [&](platform::ServiceManagerLink& link, platform::Shutdown& shutdown) {
        return run_service(start, link, shutdown);
    };
    if (!console) {
        if (auto exit_code = platform::run_as_service(body)) {
            return *exit_code;
        }
    }
    platform::ServiceManagerLink foreground;
    platform::Shutdown shutdown;
    return body(foreground, shutdown);
}

}  // namespace cs::agent

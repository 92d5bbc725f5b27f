// `contractsync-agent run`: the service (agent/service/agent_service.hpp) with
// the config, store and error reporting of the command line.
#include "agent/cli/command.hpp"
#include "agent/service/agent_service.hpp"

namespace cs::agent {

void add_run_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "run",
        "Run the agent: sync every entity on its schedule, ship the outbox to the relay and "
        "answer its commands until stopped. As a Windows service when the Service Control "
        "Manager started it, otherwise in the foreground (SIGINT/SIGTERM or Ctrl+C stop it; "
        "SIGHUP re-reads the config; systemd Type=notify is spoken when $NOTIFY_SOCKET is set)");
    add_config_option(*sub, ctx);
    auto console = std::make_shared<bool>(false);
    sub->add_flag("--console", *console,
                  "Run in the foreground even when started by a service manager");
    sub->callback([&ctx, &runner, sub, console] {
        bool level_given = sub->get_option("--log-level")->count() > 0;
        bool in_console = *console;
        runner = [&ctx, level_given, in_console] {
            ServiceStart start;
            start.load_config = [&ctx] { return ctx.load_config(); };
            start.open_store = [](const AgentConfig& config) {
                return CommandContext::open_store(config);
            };
            start.fail = [](const Error& error) { return fail(error); };
            start.log_level_given = level_given;
            start.log_level = ctx.log_level;
            return run_agent_service(start, in_console);
        };
    });
}

}  // namespace cs::agent

#include "agent/cli/cli.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "agent/cli/command.hpp"
#include "agent/platform/command_line.hpp"
#include "agent/platform/time_zones.hpp"
#include "common/version/version.hpp"

namespace cs::agent {

int run_cli(int argc, char** argv) {
    platform::prepare_time_zones();
    std::vector<std::string> args = platform::utf8_command_line(argc, argv);
    CLI::App app{
        "ContractSync agent: reads Prophet 21 and vendor files, keeps compact change sets "
        "in a local outbox and ships them to the ContractSync relay.",
        "contractsync-agent"};
    app.set_version_flag("--version", std::string(cs::version()));
    app.require_subcommand(1);
    app.footer(
        "Exit codes: 0 success, 1 error (the reason is printed on one line), 2 bad command "
        "line, 3 a sync run failed or was refused.\nThe config file may also be given with "
        "CONTRACTSYNC_AGENT_CONFIG; any config key can be overridden with "
        "CONTRACTSYNC__SECTION__KEY=value.");
    CommandContext ctx;
    CommandRunner runner;
    add_sync_command(app, ctx, runner);
    add_status_command(app, ctx, runner);
    add_failed_command(app, ctx, runner);
    add_check_config_command(app, ctx, runner);
    add_outbox_command(app, ctx, runner);
    add_run_command(app, ctx, runner);
    add_push_command(app, ctx, runner);
    add_test_connection_command(app, ctx, runner);
    add_secret_command(app, ctx, runner);
    add_support_bundle_command(app, ctx, runner);
    add_service_commands(app, ctx, runner);
    try {
        // CLI11 takes the arguments in reverse order, program name left out.
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        if (!reversed.empty()) {
            reversed.pop_back();
        }
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "error: %s (see contractsync-agent --help)\n", e.what());
        return kExitUsage;
    }
    return runner ? runner() : kExitUsage;
}

}  // namespace cs::agent

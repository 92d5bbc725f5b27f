#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json_fwd.hpp>

#include "agent/config/agent_config.hpp"
#include "agent/store/state_db.hpp"

namespace cs::agent {

// Process exit codes, documented in `contractsync-agent --help`.
enum ExitCode : int {
    kExitOk = 0,
    kExitError = 1,       // the command could not do its job; stderr says why in one line
    kExitUsage = 2,       // bad command line
    kExitRunProblem = 3,  // the command ran but a sync run failed or was refused
};

// Prints "error: <message>" on stderr and returns kExitError.
int fail(const Error& error);

// A command's loaded config and the state store it names.
struct ConfigAndStore {
    AgentConfig config;
    StateDb store;
};

// What every subcommand shares: where the config is and how to load it.
struct CommandContext {
    std::string config_path;
    std::string log_level = "warn";

    // Loads and validates the config (every error names file, line and key) and
    // sets up logging.
    Expected<AgentConfig> load_config() const;
    // Opens the state store named by the config, creating its folder.
    static Expected<StateDb> open_store(const AgentConfig& config);
    // load_config, then open_store: what a command that reads or writes the store needs.
    Expected<ConfigAndStore> load_config_and_store() const;

    // Runs `fn(config, store)` and returns its exit code; when the config does
    // not load or the store does not open, prints the error and returns kExitError.
    template <typename Fn>
    int with_store(Fn&& fn) const {
        auto opened = load_config_and_store();
        if (!opened) {
            return fail(opened.error());
        }
        return fn(opened->config, opened->store);
    }
};

using CommandRunner = std::function<int()>;

// Each add_* registers a subcommand and sets `runner` when it is chosen.
void add_sync_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);
void add_status_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);
void add_failed_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);
void add_check_config_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);
void add_outbox_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);
void add_run_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);
void add_push_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);
void add_test_connection_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);
void add_secret_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);
// install / uninstall: the Windows service (on Linux, a pointer to the package).
void add_service_commands(CLI::App& app, CommandContext& ctx, CommandRunner& runner);

void add_support_bundle_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner);

// What `status --json` prints: version, config, the service's last report
// (relay connection), outbox, last run per entity, failed-row counts.
Expected<nlohmann::json> collect_status(const AgentConfig& config, StateDb& store);

// Adds --config (and its environment fallback) to a subcommand.
void add_config_option(CLI::App& sub, CommandContext& ctx);

}  // namespace cs::agent

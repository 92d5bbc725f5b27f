// `contractsync-agent install|uninstall`: registers the agent with the
// platform's service manager. On Windows that is the Service Control Manager
// (agent/platform/windows/service_manager.cpp); on Linux the package owns the
// systemd unit and these commands only say so.
#include <filesystem>

#include <fmt/format.h>

#include "agent/cli/command.hpp"
#include "agent/platform/service_manager.hpp"
#include "agent/platform/system_info.hpp"
#include "common/fs/file.hpp"

namespace cs::agent {
namespace {

int install(const CommandContext& ctx) {
    // The service starts in another working folder: it gets absolute paths.
    std::error_code ec;
    auto config = std::filesystem::absolute(cs::fs::from_utf8(ctx.config_path), ec);
    if (ec) {
        return fail(make_error(ErrorCode::invalid_argument, "--config {}: {}", ctx.config_path,
                               ec.message()));
    }
    if (auto st = platform::install_service({platform::executable_path(), config}); !st) {
        return fail(st.error());
    }
    fmt::print(
        "service ContractSyncAgent registered (config {}); start it with "
        "`sc start ContractSyncAgent`\n",
        config.string());
    return kExitOk;
}

int uninstall() {
    if (auto st = platform::uninstall_service(); !st) {
        return fail(st.error());
    }
    fmt::print("service ContractSyncAgent stopped and removed; config and state are kept\n");
    return kExitOk;
}

}  // namespace

void add_service_commands(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* install_sub = app.add_subcommand(
        "install",
        "Windows: register the ContractSyncAgent service (NT SERVICE\\ContractSyncAgent, "
        "automatic start, restarted on failure) and its Event Log source; run again to repair "
        "its settings. Linux: the package installs the systemd unit instead");
    add_config_option(*install_sub, ctx);
    install_sub->callback([&ctx, &runner] { runner = [&ctx] { return install(ctx); }; });
    auto* uninstall_sub = app.add_subcommand(
        "uninstall",
        "Windows: stop and remove the ContractSyncAgent service and its Event Log "
        "source (config, state and secrets stay). Linux: remove the package instead");
    uninstall_sub->callback([&runner] { runner = [] { return uninstall(); }; });
}

}  // namespace cs::agent

#include "agent/cli/command.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "agent/platform/file_access.hpp"
#include "common/fs/file.hpp"

extern char** environ;

namespace cs::agent {

void add_config_option(CLI::App& sub, CommandContext& ctx) {
    sub.add_option("-c,--config", ctx.config_path, "Agent configuration file (JSON with comments)")
        ->envname("CONTRACTSYNC_AGENT_CONFIG")
        ->required();
    sub.add_option("--log-level", ctx.log_level, "trace, debug, info, warn, error or off")
        ->capture_default_str();
}

Expected<AgentConfig> CommandContext::load_config() const {
    auto config = load_agent_config(cs::fs::from_utf8(config_path), environ);
    if (!config) {
        return config;
    }
    log::Options options = config->log;
    options.level = log_level;  // the command line decides how chatty a command is
    options.file.clear();       // interactive commands log to the console only
    if (auto st = log::init(options); !st) {
        return std::move(st).error();
    }
    return config;
}

Expected<StateDb> CommandContext::open_store(const AgentConfig& config) {
    std::error_code ec;
    // A state folder the agent creates is its own from the start: the outbox
    // holds the data, the secret store may live beside it.
    if (std::filesystem::create_directories(config.state_dir, ec)) {
        if (auto st = platform::restrict_to_service(config.state_dir, true); !st) {
            return std::move(st).error();
        }
    }
    if (ec) {
        return make_error(ErrorCode::io_error, "cannot create state folder {}: {}",
                          config.state_dir.string(), ec.message());
    }
    return StateDb::open(config.state_db());
}

Expected<ConfigAndStore> CommandContext::load_config_and_store() const {
    auto config = load_config();
    if (!config) {
        return std::move(config).error();
    }
    auto store = open_store(*config);
    if (!store) {
        return std::move(store).error();
    }
    return ConfigAndStore{std::move(*config), std::move(*store)};
}

int fail(const Error& error) {
    std::fprintf(stderr, "error: %s\n", error.message.c_str());
    return kExitError;
}

}  // namespace cs::agent

#include <fmt/format.h>

#include "agent/cli/command.hpp"

namespace cs::agent {

void add_check_config_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "check-config", "Validate the configuration file; errors name the file, line and key");
    add_config_option(*sub, ctx);
    sub->callback([&ctx, &runner] {
        runner = [&ctx] {
            auto config = ctx.load_config();
            if (!config) {
                return fail(config.error());
            }
            fmt::print("{}: OK ({} source{}, {} entit{})\n", config->path.string(),
                       config->sources.size(), config->sources.size() == 1 ? "" : "s",
                       config->entities.size(), config->entities.size() == 1 ? "y" : "ies");
            for (const auto& e : config->entities) {
                fmt::print("  {}: {} field{}, key ({}){}\n", e.name, e.fields.size(),
                           e.fields.size() == 1 ? "" : "s", fmt::join(e.key, ", "),
                           e.parent.empty() ? "" : fmt::format(", child of {}", e.parent));
            }
            return static_cast<int>(kExitOk);
        };
    });
}

}  // namespace cs::agent

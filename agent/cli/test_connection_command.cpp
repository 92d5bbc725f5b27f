#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "agent/cli/command.hpp"
#include "agent/source/odata/connection_check.hpp"

namespace cs::agent {
namespace {

// One PASS/FAIL line per step; exit 1 when any step failed.
int test_connection(const CommandContext& ctx, const std::vector<std::string>& only) {
    auto config = ctx.load_config();
    if (!config) {
        return fail(config.error());
    }
    bool any_source = false;
    bool all_passed = true;
    for (const auto& source : config->sources) {
        if (!std::holds_alternative<OdataSourceConfig>(source.settings)) {
            continue;
        }
        if (!only.empty() && std::find(only.begin(), only.end(), source.name) == only.end()) {
            continue;
        }
        any_source = true;
        for (const auto& result : odata::check_source(*config, source, nullptr)) {
            all_passed = all_passed && result.pass;
            fmt::print("{} {}: {}\n", result.pass ? "PASS" : "FAIL", result.step, result.detail);
        }
    }
    std::fflush(stdout);
    if (!any_source) {
        return fail(Error{ErrorCode::invalid_argument,
                          fmt::format("{}: no p21/odata source to test", config->path.string())});
    }
    return all_passed ? kExitOk : kExitError;
}

}  // namespace

void add_test_connection_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "test-connection",
        "Check each P21/OData source: DNS, TLS, token, and one $top=1 read per entity");
    add_config_option(*sub, ctx);
    auto sources = std::make_shared<std::vector<std::string>>();
    sub->add_option("-s,--source", *sources, "Only these sources (repeatable)");
    sub->callback([&ctx, &runner, sources] {
        runner = [&ctx, sources] { return test_connection(ctx, *sources); };
    });
}

}  // namespace cs::agent

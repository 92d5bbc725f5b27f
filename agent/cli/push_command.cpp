#include <cstdio>

#include <fmt/format.h>

#include "agent/cli/command.hpp"
#include "agent/platform/shutdown.hpp"
#include "agent/ship/push.hpp"
#include "agent/ship/setup/uplink_setup.hpp"
#include "common/config/reader.hpp"

namespace cs::agent {
namespace {

int fail_line(const std::string& message) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return kExitError;
}

int push(const CommandContext& ctx, const std::string& timeout_text) {
    auto timeout = config::parse_duration(timeout_text);
    if (!timeout) {
        std::fprintf(stderr, "error: --timeout: %s\n", timeout.error().message.c_str());
        return kExitUsage;
    }
    AgentConfig config;
    {
        // Opened for its checks and its folder, then closed: the uplink opens its own.
        auto opened = ctx.load_config_and_store();
        if (!opened) {
            return fail(opened.error());
        }
        config = std::move(opened->config);
    }
    // Ctrl+C and SIGTERM become a clean stop from here on.
    platform::Shutdown shutdown;
    auto signals = platform::StopRequests::watch(shutdown);
    if (!signals) {
        return fail(signals.error());
    }
    auto options = ship::uplink_options(config);
    if (!options) {
        return fail(options.error());
    }
    auto result = ship::push_outbox(std::move(*options), *timeout, &shutdown.flag());
    if (!result) {
        return fail(result.error());
    }
    const auto& r = *result;
    if (r.interrupted) {
        return fail_line(fmt::format("push interrupted; {} change set{} left in the outbox",
                                     r.remaining, r.remaining == 1 ? "" : "s"));
    }
    if (!r.drained) {
        if (r.timed_out) {
            return fail_line(
                fmt::format("push timed out after {} with {} change set{} in the outbox{}",
                            timeout_text, r.remaining, r.remaining == 1 ? "" : "s",
                            r.reason.empty() ? "" : " (last problem: " + r.reason + ")"));
        }
        return fail_line(r.reason.empty() ? "the relay link stopped before the outbox was empty"
                                          : r.reason);
    }
    if (r.rejected > 0) {
        std::fprintf(stderr,
                     "error: %lld change set%s rejected by the relay and moved to the quarantine "
                     "(last: %s); see contractsync-agent outbox\n",
                     static_cast<long long>(r.rejected), r.rejected == 1 ? " was" : "s were",
                     r.last_rejection.c_str());
        return kExitRunProblem;
    }
    fmt::print("pushed {} change set{} ({} applied, {} already there); the outbox is empty\n",
               r.sent, r.sent == 1 ? "" : "s", r.applied, r.duplicates);
    return kExitOk;
}

}  // namespace

void add_push_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "push",
        "Send the whole outbox to the relay and wait for its acknowledgements; exits 0 "
        "only when the outbox is empty (3 if the relay rejected change sets)");
    add_config_option(*sub, ctx);
    auto timeout = std::make_shared<std::string>("10m");
    sub->add_option("--timeout", *timeout,
                    "Give up after this long (e.g. 90s, 10m, 1h); network failures are retried "
                    "until then")
        ->capture_default_str();
    sub->callback(
        [&ctx, &runner, timeout] { runner = [&ctx, timeout] { return push(ctx, *timeout); }; });
}

}  // namespace cs::agent

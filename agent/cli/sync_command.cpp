#include "agent/cli/command.hpp"
#include "agent/cli/report.hpp"
#include "agent/sync/sync_runner.hpp"
#include "agent/track/run_record.hpp"

namespace cs::agent {
namespace {

int sync(const CommandContext& ctx, const SyncOptions& options) {
    return ctx.with_store([&](const AgentConfig& config, StateDb& store) {
        if (auto st = RunStore(store.db()).close_interrupted(now_micros()); !st) {
            return fail(st.error());
        }
        auto report = sync_entities(config, store, options);
        if (!report) {
            return fail(report.error());
        }
        return print_report(*report);
    });
}

}  // namespace

void add_sync_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "sync", "Read every configured source once and write the changes to the outbox");
    add_config_option(*sub, ctx);
    auto options = std::make_shared<SyncOptions>();
    sub->add_option("-e,--entity", options->entities, "Only these entities (repeatable)");
    sub->add_flag("--full", options->full,
                  "Read everything again, even files whose content was already processed");
    sub->add_flag("--force", options->force,
                  "Apply deletes even above the entity's max_delete_fraction");
    sub->callback(
        [&ctx, &runner, options] { runner = [&ctx, options] { return sync(ctx, *options); }; });
}

}  // namespace cs::agent

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agent/cli/command.hpp"
#include "agent/outbox/outbox.hpp"
#include "agent/track/run_record.hpp"
#include "agent/validate/failed_row.hpp"
#include "common/value/value.hpp"
#include "common/version/version.hpp"

namespace cs::agent {
namespace {

std::string iso(std::int64_t micros) {
    return Timestamp{micros}.to_iso();
}

int print_status(const CommandContext& ctx, bool json) {
    auto config = ctx.load_config();
    if (!config) {
        return fail(config.error());
    }
    auto store = CommandContext::open_store(*config);
    if (!store) {
        return fail(store.error());
    }
    auto outbox = Outbox(store->db()).stats();
    auto runs = RunStore(store->db()).latest_per_entity();
    auto failed = FailedRowStore(store->db()).counts();
    if (!outbox || !runs || !failed) {
        return fail(!outbox ? outbox.error() : !runs ? runs.error() : failed.error());
    }
    std::int64_t now = now_micros();
    std::optional<double> oldest_age;
    if (outbox->oldest_created_at) {
        oldest_age = static_cast<double>(now - *outbox->oldest_created_at) / 1e6;
    }
    if (json) {
        nlohmann::json j;
        j["version"] = std::string(cs::version());
        j["config"] = config->path.string();
        j["state_db"] = config->state_db().string();
        j["stream_id"] = store->stream_id();
        j["outbox"] = {
            {"depth", outbox->depth},
            {"bytes", outbox->bytes},
            {"rows", outbox->rows},
            {"oldest_age_seconds", oldest_age ? nlohmann::json(*oldest_age) : nlohmann::json()},
            {"quarantined", outbox->quarantined}};
        j["last_runs"] = nlohmann::json::array();
        for (const auto& r : *runs) {
            j["last_runs"].push_back(to_json(r));
        }
        j["failed_rows"] = nlohmann::json::object();
        for (const auto& [entity, count] : *failed) {
            j["failed_rows"][entity] = count;
        }
        fmt::print("{}\n", j.dump(2));
        return kExitOk;
    }
    fmt::print("contractsync-agent {}\n", cs::version());
    fmt::print("config     {}\nstate      {}\nstream     {}\n", config->path.string(),
               config->state_db().string(), store->stream_id());
    fmt::print("outbox     {} change set{} ({} rows, {} bytes){}{}\n", outbox->depth,
               outbox->depth == 1 ? "" : "s", outbox->rows, outbox->bytes,
               oldest_age ? fmt::format(", oldest {:.0f}s old", *oldest_age) : "",
               outbox->quarantined > 0 ? fmt::format(", {} quarantined", outbox->quarantined) : "");
    if (runs->empty()) {
        fmt::print("runs       none yet\n");
    }
    for (const auto& r : *runs) {
        fmt::print(
            "run        {} {} at {}: {} fetched, {} inserted, {} updated, {} deleted, {} "
            "unchanged, {} failed{}\n",
            r.entity, to_string(r.status), iso(r.started_at), r.counts.fetched, r.counts.inserted,
            r.counts.updated, r.counts.deleted, r.counts.skipped, r.counts.failed,
            r.error.empty() ? "" : " — " + r.error);
    }
    for (const auto& [entity, count] : *failed) {
        fmt::print("failed     {}: {} row{} (contractsync-agent failed list --entity {})\n", entity,
                   count, count == 1 ? "" : "s", entity);
    }
    return kExitOk;
}

}  // namespace

void add_status_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "status", "Show the outbox, the last run of each entity and failed-row counts");
    add_config_option(*sub, ctx);
    auto json = std::make_shared<bool>(false);
    sub->add_flag("--json", *json, "Machine-readable output");
    sub->callback(
        [&ctx, &runner, json] { runner = [&ctx, json] { return print_status(ctx, *json); }; });
}

}  // namespace cs::agent

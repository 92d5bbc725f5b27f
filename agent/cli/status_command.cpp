#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agent/cli/command.hpp"
#include "agent/outbox/outbox.hpp"
#include "agent/service/service_status.hpp"
#include "agent/track/run_record.hpp"
#include "agent/validate/failed_row.hpp"
#include "common/value/value.hpp"
#include "common/version/version.hpp"

namespace cs::agent {
namespace {

using nlohmann::json;

std::string iso(std::int64_t micros) {
    return Timestamp{micros}.to_iso();
}

// One line about the relay connection, from what the service last reported.
std::string relay_line(const json& status) {
    const json& service = status["service"];
    if (service.is_null()) {
        return "unknown: the service (contractsync-agent run) has not run with this state folder";
    }
    if (!service.value("running", false)) {
        return fmt::format("unknown: the service is not running (it last reported {:.0f}s ago, {})",
                           service.value("age_seconds", 0.0), service.value("state", "?"));
    }
    const json& relay = service["relay"];
    std::string state = relay.value("state", "?");
    std::string text = fmt::format("{} {}", state, relay.value("url", ""));
    if (state == "connected" && relay["connected_at_us"].is_number()) {
        text += " since " + iso(relay["connected_at_us"].get<std::int64_t>());
    }
    if (relay["last_error"].is_string() && state != "connected") {
        text += " — " + relay["last_error"].get<std::string>();
    }
    if (relay["blocked"].is_string()) {
        text += " — blocked: " + relay["blocked"].get<std::string>();
    }
    return text;
}

int print_status(const CommandContext& ctx, bool as_json) {
    auto opened = ctx.load_config_and_store();
    if (!opened) {
        return fail(opened.error());
    }
    auto& [config, store] = *opened;
    auto status = collect_status(config, store);
    if (!status) {
        return fail(status.error());
    }
    const json& j = *status;
    if (as_json) {
        fmt::print("{}\n", j.dump(2));
        return kExitOk;
    }
    const json& outbox = j["outbox"];
    fmt::print("contractsync-agent {}\n", cs::version());
    fmt::print("config     {}\nstate      {}\nstream     {}\n", config.path.string(),
               config.state_db().string(), j["stream_id"].get<std::string>());
    if (!j["service"].is_null() && j["service"].value("running", false)) {
        fmt::print("service    running (pid {}, version {}, since {})\n",
                   j["service"].value("pid", 0), j["service"].value("version", "?"),
                   j["service"].value("started_at", "?"));
    }
    fmt::print("relay      {}\n", relay_line(j));
    auto depth = outbox["depth"].get<std::int64_t>();
    fmt::print("outbox     {} change set{} ({} rows, {} bytes){}{}\n", depth, depth == 1 ? "" : "s",
               outbox["rows"].get<std::int64_t>(), outbox["bytes"].get<std::int64_t>(),
               outbox["oldest_age_seconds"].is_number()
                   ? fmt::format(", oldest {:.0f}s old", outbox["oldest_age_seconds"].get<double>())
                   : "",
               outbox["quarantined"].get<std::int64_t>() > 0
                   ? fmt::format(", {} quarantined", outbox["quarantined"].get<std::int64_t>())
                   : "");
    if (j["last_runs"].empty()) {
        fmt::print("runs       none yet\n");
    }
    for (const auto& r : j["last_runs"]) {
        const json& c = r["counts"];
        fmt::print(
            "run        {} {} at {}: {} fetched, {} inserted, {} updated, {} deleted, {} "
            "unchanged, {} failed{}\n",
            r.value("entity", "?"), r.value("status", "?"),
            iso(r.value("started_at_us", std::int64_t{0})), c.value("fetched", 0),
            c.value("inserted", 0), c.value("updated", 0), c.value("deleted", 0),
            c.value("skipped", 0), c.value("failed", 0),
            r.value("error", "").empty() ? "" : " — " + r.value("error", ""));
    }
    for (const auto& [entity, count] : j["failed_rows"].items()) {
        auto n = count.get<std::int64_t>();
        fmt::print("failed     {}: {} row{} (contractsync-agent failed list --entity {})\n", entity,
                   n, n == 1 ? "" : "s", entity);
    }
    return kExitOk;
}

}  // namespace

Expected<nlohmann::json> collect_status(const AgentConfig& config, StateDb& store) {
    auto outbox = Outbox(store.db()).stats();
    auto runs = RunStore(store.db()).latest_per_entity();
    auto failed = FailedRowStore(store.db()).counts();
    if (!outbox || !runs || !failed) {
        return !outbox ? outbox.error() : !runs ? runs.error() : failed.error();
    }
    auto service = read_service_status(config.state_dir);
    if (!service) {
        return std::move(service).error();
    }
    std::int64_t now = now_micros();
    std::optional<double> oldest_age;
    if (outbox->oldest_created_at) {
        oldest_age = static_cast<double>(now - *outbox->oldest_created_at) / 1e6;
    }
    json j;
    j["version"] = std::string(cs::version());
    j["config"] = config.path.string();
    j["state_db"] = config.state_db().string();
    j["stream_id"] = store.stream_id();
    j["service"] = *service ? **service : json();
    j["outbox"] = {{"depth", outbox->depth},
                   {"bytes", outbox->bytes},
                   {"rows", outbox->rows},
                   {"oldest_age_seconds", oldest_age ? json(*oldest_age) : json()},
                   {"quarantined", outbox->quarantined}};
    j["last_runs"] = json::array();
    for (const auto& r : *runs) {
        j["last_runs"].push_back(to_json(r));
    }
    j["failed_rows"] = json::object();
    for (const auto& [entity, count] : *failed) {
        j["failed_rows"][entity] = count;
    }
    return j;
}

void add_status_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "status",
        "Show the version, the relay connection (as the running service last reported it), "
        "the outbox, the last run of each entity and failed-row counts");
    add_config_option(*sub, ctx);
    auto json_flag = std::make_shared<bool>(false);
    sub->add_flag("--json", *json_flag, "Machine-readable output");
    sub->callback([&ctx, &runner, json_flag] {
        runner = [&ctx, json_flag] { return print_status(ctx, *json_flag); };
    });
}

}  // namespace cs::agent

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agent/cli/command.hpp"
#include "agent/outbox/outbox.hpp"
#include "common/wire/codec.hpp"

namespace cs::agent {
namespace {

nlohmann::json value_json(const Value& v) {
    switch (v.storage().index()) {
        case 0:
            return nullptr;
        case 3:
            return v.as_integer();
        case 4:
            return v.as_boolean();
        default:
            return v.to_text();  // strings, exact decimals, ISO dates and timestamps
    }
}

nlohmann::json set_json(const wire::ChangeSet& set, std::size_t frame_bytes, bool rows) {
    nlohmann::json j = {
        {"stream_id", set.stream_id},   {"sequence", set.sequence},
        {"entity", set.entity},         {"parent_entity", set.parent_entity},
        {"run_id", set.run_id},         {"created_at", Timestamp{set.created_at_us}.to_iso()},
        {"row_count", set.rows.size()}, {"frame_bytes", frame_bytes}};
    j["schema"] = nlohmann::json::array();
    for (const auto& f : set.schema) {
        j["schema"].push_back({{"name", f.name}, {"type", to_string(f.type)}});
    }
    if (!rows) {
        return j;
    }
    j["rows"] = nlohmann::json::array();
    for (const auto& row : set.rows) {
        nlohmann::json r = {{"op", wire::to_string(row.op)}, {"bk_hash", row.bk_hash.to_hex()}};
        if (row.op != wire::Op::remove) {
            r["data_hash"] = row.data_hash.to_hex();
            nlohmann::json values = nlohmann::json::object();
            for (std::size_t i = 0; i < set.schema.size(); ++i) {
                values[set.schema[i].name] = value_json(row.values[i]);
            }
            r["values"] = std::move(values);
        }
        if (!row.rowversion.empty()) {
            r["rowversion"] = row.rowversion;
        }
        if (row.parent_bk_hash) {
            r["parent_bk_hash"] = row.parent_bk_hash->to_hex();
        }
        j["rows"].push_back(std::move(r));
    }
    return j;
}

struct DumpOptions {
    std::size_t limit = 10;
    std::uint64_t after = 0;
    bool quarantine = false;
    bool summary = false;
};

int dump(const CommandContext& ctx, const DumpOptions& options) {
    auto opened = ctx.load_config_and_store();
    if (!opened) {
        return fail(opened.error());
    }
    Outbox outbox(opened->store.db());
    auto entries = options.quarantine ? outbox.quarantined(options.limit)
                                      : outbox.pending(options.after, options.limit);
    if (!entries) {
        return fail(entries.error());
    }
    // One JSON document per line: easy to grep and to pipe into jq.
    for (const auto& e : *entries) {
        auto decoded = wire::decode(e.frame);
        if (!decoded) {
            fmt::print("{}\n",
                       nlohmann::json{{"sequence", e.sequence}, {"error", decoded.error().message}}
                           .dump());
            continue;
        }
        fmt::print("{}\n", set_json(decoded->set, e.frame.size(), !options.summary).dump());
    }
    return kExitOk;
}

}  // namespace

void add_outbox_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* outbox = app.add_subcommand("outbox", "Inspect the outbox");
    outbox->require_subcommand(1);
    auto* sub = outbox->add_subcommand(
        "dump", "Decode change sets waiting in the outbox to JSON, one per line (for support)");
    add_config_option(*sub, ctx);
    auto options = std::make_shared<DumpOptions>();
    sub->add_option("--limit", options->limit, "How many change sets")->capture_default_str();
    sub->add_option("--after", options->after, "Start after this sequence number");
    sub->add_flag("--quarantine", options->quarantine,
                  "Show change sets the relay rejected instead of pending ones");
    sub->add_flag("--summary", options->summary, "Headers only, without rows");
    sub->callback(
        [&ctx, &runner, options] { runner = [&ctx, options] { return dump(ctx, *options); }; });
}

}  // namespace cs::agent

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agent/cli/command.hpp"
#include "agent/cli/report.hpp"
#include "agent/validate/failed_row.hpp"
#include "common/value/value.hpp"

namespace cs::agent {
namespace {

nlohmann::json row_json(const FailedRow& r) {
    auto cells = nlohmann::json::parse(r.cells, nullptr, false);
    return {{"id", r.id},
            {"run_id", r.run_id},
            {"entity", r.entity},
            {"stage", r.stage},
            {"field", r.field},
            {"error", r.error},
            {"value", r.value},
            {"source", r.source},
            {"line", r.location.line},
            {"record", r.location.record},
            {"page", r.location.page},
            {"raw", r.raw},
            {"cells", cells.is_discarded() ? nlohmann::json() : cells},
            {"created_at", Timestamp{r.created_at}.to_iso()}};
}

std::string where(const FailedRow& r) {
    std::string out = r.source;
    if (r.location.line > 0) {
        out += fmt::format(":{}", r.location.line);
    } else if (r.location.page > 0) {
        out += fmt::format(" page {} record {}", r.location.page, r.location.record);
    } else if (r.location.record > 0) {
        out += fmt::format(" record {}", r.location.record);
    }
    return out;
}

struct FailedOptions {
    std::string entity;
    std::size_t limit = 50;
    std::int64_t after = 0;
    std::int64_t id = 0;
    bool json = false;
    bool yes = false;
};

int list(const CommandContext& ctx, const FailedOptions& o) {
    return ctx.with_store([&](const AgentConfig&, StateDb& store) {
        auto rows = FailedRowStore(store.db()).list({o.entity, o.after, o.limit});
        if (!rows) {
            return fail(rows.error());
        }
        if (o.json) {
            for (const auto& r : *rows) {
                fmt::print("{}\n", row_json(r).dump());
            }
            return static_cast<int>(kExitOk);
        }
        if (rows->empty()) {
            fmt::print("no failed rows{}\n", o.entity.empty() ? "" : " for " + o.entity);
        }
        for (const auto& r : *rows) {
            fmt::print("{:>6}  {}  {}  {}: {}{}\n", r.id, r.entity, where(r), r.stage,
                       r.field.empty() ? "" : r.field + ": ", r.error);
        }
        return static_cast<int>(kExitOk);
    });
}

int show(const CommandContext& ctx, const FailedOptions& o) {
    return ctx.with_store([&](const AgentConfig&, StateDb& store) {
        auto row = FailedRowStore(store.db()).get(o.id);
        if (!row) {
            return fail(row.error());
        }
        if (!*row) {
            return fail(make_error(ErrorCode::not_found, "no failed row with id {}", o.id));
        }
        fmt::print("{}\n", row_json(**row).dump(o.json ? -1 : 2));
        return static_cast<int>(kExitOk);
    });
}

int purge(const CommandContext& ctx, const FailedOptions& o) {
    if (!o.yes) {
        return fail(make_error(ErrorCode::invalid_argument,
                               "purge deletes failed rows for good; add --yes to confirm"));
    }
    return ctx.with_store([&](const AgentConfig&, StateDb& store) {
        auto n = FailedRowStore(store.db()).purge(o.entity);
        if (!n) {
            return fail(n.error());
        }
        fmt::print("purged {} failed row{}\n", *n, *n == 1 ? "" : "s");
        return static_cast<int>(kExitOk);
    });
}

int retry(const CommandContext& ctx, const FailedOptions& o) {
    return ctx.with_store([&](const AgentConfig& config, StateDb& store) {
        return retry_failed_rows(config, store, o.entity, o.id);
    });
}

}  // namespace

void add_failed_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* failed = app.add_subcommand("failed", "List, inspect, retry or purge failed rows");
    failed->require_subcommand(1);
    auto o = std::make_shared<FailedOptions>();

    auto* list_cmd = failed->add_subcommand("list", "List failed rows, oldest first");
    add_config_option(*list_cmd, ctx);
    list_cmd->add_option("--entity", o->entity, "Only this entity");
    list_cmd->add_option("--limit", o->limit, "How many rows")->capture_default_str();
    list_cmd->add_option("--after", o->after, "Start after this id");
    list_cmd->add_flag("--json", o->json, "One JSON object per line");
    list_cmd->callback([&ctx, &runner, o] { runner = [&ctx, o] { return list(ctx, *o); }; });

    auto* show_cmd = failed->add_subcommand("show", "Show one failed row with its raw data");
    add_config_option(*show_cmd, ctx);
    show_cmd->add_option("id", o->id, "Failed row id")->required();
    show_cmd->add_flag("--json", o->json, "Compact JSON");
    show_cmd->callback([&ctx, &runner, o] { runner = [&ctx, o] { return show(ctx, *o); }; });

    auto* retry_cmd = failed->add_subcommand(
        "retry", "Run failed rows through the pipeline again (after fixing the config)");
    add_config_option(*retry_cmd, ctx);
    retry_cmd->add_option("--entity", o->entity, "Only this entity");
    retry_cmd->add_option("--id", o->id, "Only this failed row");
    retry_cmd->callback([&ctx, &runner, o] { runner = [&ctx, o] { return retry(ctx, *o); }; });

    auto* purge_cmd = failed->add_subcommand("purge", "Delete failed rows");
    add_config_option(*purge_cmd, ctx);
    purge_cmd->add_option("--entity", o->entity, "Only this entity");
    purge_cmd->add_flag("--yes", o->yes, "Confirm");
    purge_cmd->callback([&ctx, &runner, o] { runner = [&ctx, o] { return purge(ctx, *o); }; });
}

}  // namespace cs::agent

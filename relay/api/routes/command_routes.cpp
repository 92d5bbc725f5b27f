// Commands to a site's agent: sync now, full resync of an entity, retry failed
// rows. Queued in `commands`, announced to every relay instance (NOTIFY) so
// the one holding the agent's session sends it at once; the agent's
// command_result fills in status, message and run_id.
#include <fmt/format.h>

#include "common/uuid/uuid.hpp"
#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/api/routes/site_json.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::string_view kCommandJson =
    "json_build_object('command_id', c.command_id, 'site_id', c.site_id, 'command', c.command, "
    "'entity', c.entity, 'status', c.status, 'created_at', c.created_at, 'sent_at', c.sent_at, "
    "'finished_at', c.finished_at, 'message', c.message, 'run_id', c.run_id, 'issued_by', "
    "c.issued_by)";

Reply issue_command(RequestContext& ctx) {
    auto id = uuid_param(ctx, "site_id");
    auto body = ctx.body();
    if (!id || !body) {
        return Reply::from(!id ? id.error() : body.error());
    }
    if (auto s = only_fields(*body, {"command", "entity"}); !s) {
        return Reply::from(s.error());
    }
    auto command = string_field(*body, "command", true, 32);
    auto entity = string_field(*body, "entity", false, 128);
    if (!command || !entity) {
        return Reply::from(!command ? command.error() : entity.error());
    }
    if (**command != "sync_now" && **command != "full_resync" && **command != "retry_failed") {
        return bad_request(fmt::format(
            "unknown command '{}'; use sync_now, full_resync or retry_failed", **command));
    }
    if (**command == "full_resync" && !*entity) {
        return bad_request("full_resync needs the 'entity' to read again in full");
    }
    auto site = load_site(ctx, *id);
    if (!site) {
        return Reply::from(site.error());
    }
    if ((*site)["revoked"].get<bool>()) {
        return conflict("the site is revoked; its agent cannot receive commands");
    }
    auto tenant = (*site)["tenant_id"].get<std::string>();
    auto command_id = uuid_v7().to_string();
    auto r = ctx.db.query(
        "queueing the command",
        "WITH c AS (INSERT INTO commands (tenant_id, command_id, site_id, command, entity, "
        "issued_by) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6::uuid)) "
        "SELECT pg_notify('contractsync_site_command', $3::uuid::text)",
        db::Params()
            .text(tenant)
            .text(command_id)
            .text(*id)
            .text(**command)
            .optional_text(*entity)
            .text(ctx.who().user_id));
    if (!r) {
        return Reply::from(r.error());
    }
    auto created = json_row(
        ctx.db, "reading the command",
        fmt::format("SELECT {} FROM commands c WHERE c.command_id = $1::uuid", kCommandJson),
        db::Params().text(command_id), "the new command vanished");
    if (!created) {
        return Reply::from(created.error());
    }
    if (auto s = ctx.audit("site.command", "command", command_id, nullptr, *created, tenant); !s) {
        return Reply::from(s.error());
    }
    auto out = *created;
    out["delivery"] = (*site)["online"].get<bool>() ? "sent to the connected agent"
                                                    : "queued until the agent connects";
    return Reply::json(std::move(out), 202);
}

Reply list_commands(RequestContext& ctx) {
    auto id = uuid_param(ctx, "site_id");
    auto page = ctx.page();
    if (!id || !page) {
        return Reply::from(!id ? id.error() : page.error());
    }
    if (auto site = load_site(ctx, *id); !site) {
        return Reply::from(site.error());
    }
    auto rows = json_rows(
        ctx.db, "listing commands",
        fmt::format("SELECT {} FROM commands c WHERE c.site_id = $1::uuid AND ($2 = '' OR "
                    "c.status = $2) AND ($3 = '' OR c.command_id < nullif($3, '')::uuid) ORDER BY "
                    "c.command_id DESC LIMIT $4",
                    kCommandJson),
        db::Params()
            .text(*id)
            .text(filter(ctx, "status"))
            .text(cursor_part(*page, 0))
            .integer(page->fetch()));
    return page_reply(std::move(rows), *page, {"command_id"});
}

Reply get_command(RequestContext& ctx) {
    auto id = uuid_param(ctx, "site_id");
    auto command = uuid_param(ctx, "command_id");
    if (!id || !command) {
        return Reply::from(!id ? id.error() : command.error());
    }
    auto row = json_row(ctx.db, "reading the command",
                        fmt::format("SELECT {} FROM commands c WHERE c.site_id = $1::uuid AND "
                                    "c.command_id = $2::uuid AND ($3 = '' OR c.tenant_id = "
                                    "nullif($3, '')::uuid)",
                                    kCommandJson),
                        db::Params().text(*id).text(*command).text(ctx.tenant.value_or("")),
                        fmt::format("no command {} for site {}", *command, *id));
    return row ? Reply::json(std::move(*row)) : Reply::from(row.error());
}

}  // namespace

void add_command_routes(RouteTable& t) {
    t.add({"POST", "/api/v1/sites/{site_id}/commands", kStaff | kTenantAdmin | kTenantAnalyst,
           Access::scoped, issue_command,
           "Send sync_now, full_resync (entity) or retry_failed to the site's agent"});
    t.add({"GET", "/api/v1/sites/{site_id}/commands", kAnyone, Access::scoped, list_commands,
           "Commands sent to the site and their results, newest first"});
    t.add({"GET", "/api/v1/sites/{site_id}/commands/{command_id}", kAnyone, Access::scoped,
           get_command, "One command and its result"});
}

}  // namespace cs::relay::api::routes

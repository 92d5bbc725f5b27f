// Reconciliation exceptions (docs/reconciliation.md): the queue, its export,
// one exception with its history, and the workflow on one, on a list of them
// or on every exception a filter matches. Every route works on the tenant in
// scope; relay/recon does the work inside this request's transaction and hands
// back what the audit log records.
#include <fmt/format.h>

#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/recon_support.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/recon/recon.hpp"

namespace cs::relay::api::routes {
namespace {

using json = nlohmann::json;
namespace rc = recon;
using namespace recon_support;

constexpr std::size_t kMaxExportRows = 100'000;

// The list's filter from `get(name)`: the query string of the list and the
// export, or the "filter" object of a bulk action, with the same names.
template <typename Get>
Expected<rc::ExceptionFilter> exception_filter(Get get) {
    rc::ExceptionFilter f;
    if (auto v = get("status")) {
        auto s = rc::parse_exception_status(*v);
        if (!s) {
            return std::move(s).error();
        }
        f.status = *s;
    }
    if (auto v = get("rule")) {
        auto r = rc::parse_rule(*v);
        if (!r) {
            return std::move(r).error();
        }
        f.rule = *r;
    }
    if (auto v = get("severity")) {
        auto s = rc::parse_severity(*v);
        if (!s) {
            return std::move(s).error();
        }
        f.severity = *s;
    }
    f.vendor_id = get("vendor_id");
    f.assignee = get("assignee");
    if (auto v = get("order")) {
        if (*v != "newest" && *v != "severity") {
            return make_error(ErrorCode::invalid_argument, "'order' is newest or severity");
        }
        f.order = *v == "severity" ? rc::ExceptionOrder::severity : rc::ExceptionOrder::newest;
    }
    if (auto v = get("sort")) {
        auto sort = rc::parse_exception_sort(*v);
        if (!sort) {
            return std::move(sort).error();
        }
        f.sort = std::move(*sort);
    }
    return f;
}

Expected<rc::ExceptionFilter> exception_filter(const RequestContext& ctx) {
    return exception_filter([&](std::string_view name) { return query(ctx, name); });
}

// A bulk action's "filter": an object of the list's query parameters, each a
// string ("" or absent: any).
Expected<rc::ExceptionFilter> exception_filter(const json& body) {
    if (!body.is_object()) {
        return make_error(ErrorCode::invalid_argument,
                          "filter: expected an object of the list's filters (status, rule, "
                          "severity, vendor_id, assignee)");
    }
    for (const auto& [key, value] : body.items()) {
        if (key != "status" && key != "rule" && key != "severity" && key != "vendor_id" &&
            key != "assignee" && key != "order" && key != "sort") {
            return make_error(ErrorCode::invalid_argument,
                              "filter.{}: not a filter of the exception list (status, rule, "
                              "severity, vendor_id, assignee)",
                              key.substr(0, 64));
        }
        if (!value.is_string()) {
            return make_error(ErrorCode::invalid_argument, "filter.{}: expected a string", key);
        }
    }
    auto f = exception_filter([&](std::string_view name) -> std::optional<std::string> {
        auto it = body.find(name);
        if (it == body.end() || it->get<std::string>().empty()) {
            return std::nullopt;
        }
        return it->get<std::string>();
    });
    if (!f) {
        return make_error(ErrorCode::invalid_argument, "filter: {}", f.error().message);
    }
    return f;
}

Reply list_exceptions(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto page = ctx.page();
    auto filter = exception_filter(ctx);
    if (!tenant || !page || !filter) {
        return Reply::from(!tenant ? tenant.error() : !page ? page.error() : filter.error());
    }
    filter->cursor = library_cursor(*page);
    filter->limit = static_cast<int>(page->size);
    auto list = rc::list_exceptions(ctx.db, *tenant, *filter);
    if (!list) {
        return Reply::from(list.error());
    }
    auto total = rc::count_exceptions(ctx.db, *tenant, *filter);
    if (!total) {
        return Reply::from(total.error());
    }
    json out = page_json(*list);
    out["total"] = *total;
    return Reply::json(std::move(out));
}

Reply export_exceptions(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto filter = exception_filter(ctx);
    if (!tenant || !filter) {
        return Reply::from(!tenant ? tenant.error() : filter.error());
    }
    Reply r;
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"exceptions.csv\"");
    auto s = rc::export_exceptions_csv(
        ctx.db, *tenant, *filter,
        [&](std::string_view chunk) {
            r.raw += chunk;
            return ok();
        },
        kMaxExportRows);
    return s ? r : Reply::from(s.error());
}

Reply exception_summary(RequestContext& ctx) {
    auto tenant = scope(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto summary = rc::exception_summary(ctx.db, *tenant);
    return summary ? Reply::json(rc::to_json(*summary)) : Reply::from(summary.error());
}

Expected<json> exception_detail(RequestContext& ctx, const std::string& tenant,
                                const std::string& id) {
    auto view = rc::get_exception(ctx.db, tenant, id);
    if (!view) {
        return std::move(view).error();
    }
    auto events = rc::exception_events(ctx.db, tenant, id);
    if (!events) {
        return std::move(events).error();
    }
    json out = rc::to_json(*view);
    out["events"] = json::array();
    for (auto e = events->rbegin(); e != events->rend(); ++e) {  // newest first
        out["events"].push_back(rc::to_json(*e));
    }
    return out;
}

Reply get_exception(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "exception_id");
    if (!tenant || !id) {
        return Reply::from(!tenant ? tenant.error() : id.error());
    }
    auto out = exception_detail(ctx, *tenant, *id);
    return out ? Reply::json(std::move(*out)) : Reply::from(out.error());
}

Reply act_on_exception(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "exception_id");
    auto body = ctx.body();
    if (!tenant || !id || !body) {
        return Reply::from(!tenant ? tenant.error() : !id ? id.error() : body.error());
    }
    auto action = rc::action_from_json(*body);
    if (!action) {
        return Reply::from(action.error());
    }
    auto audit_record = rc::act_on_exception(ctx.db, *tenant, *id, actor(ctx), *action);
    if (!audit_record) {
        return Reply::from(audit_record.error());
    }
    if (auto s = audit(ctx, *audit_record, *tenant); !s) {
        return Reply::from(s.error());
    }
    auto out = exception_detail(ctx, *tenant, *id);
    return out ? Reply::json(std::move(*out)) : Reply::from(out.error());
}

// {"exception_ids": [...]} or {"filter": {...}, "expected_count": N}, and the action.
Reply act_on_exceptions(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto body = ctx.body();
    if (!tenant || !body) {
        return Reply::from(!tenant ? tenant.error() : body.error());
    }
    bool by_ids = body->contains("exception_ids");
    bool by_filter = body->contains("filter");
    if (by_ids == by_filter) {
        return bad_request(fmt::format(
            "name the exceptions either by 'exception_ids' (1 to {}) or by 'filter' (the list's "
            "filters, up to {} exceptions), not both",
            rc::kMaxBulkItems, rc::kMaxBulkByFilter));
    }
    std::optional<std::int64_t> expected;
    if (auto it = body->find("expected_count"); it != body->end()) {
        if (!by_filter || !it->is_number_integer() || it->get<std::int64_t>() < 1) {
            return bad_request(
                "'expected_count' goes with 'filter' and is a positive whole number");
        }
        expected = it->get<std::int64_t>();
    }
    json action_body = *body;
    action_body.erase("exception_ids");
    action_body.erase("filter");
    action_body.erase("expected_count");
    auto action = rc::action_from_json(action_body);
    if (!action) {
        return Reply::from(action.error());
    }
    Expected<std::vector<rc::AuditRecord>> records = std::vector<rc::AuditRecord>{};
    if (by_ids) {
        auto ids = id_list(*body, "exception_ids");
        if (!ids) {
            return Reply::from(ids.error());
        }
        records = rc::act_on_exceptions(ctx.db, *tenant, *ids, actor(ctx), *action);
    } else {
        auto filter = exception_filter((*body)["filter"]);
        if (!filter) {
            return Reply::from(filter.error());
        }
        records = rc::act_on_matching(ctx.db, *tenant, *filter, expected, actor(ctx), *action);
    }
    if (!records) {
        return Reply::from(records.error());
    }
    if (auto s = audit_all(ctx, *records, *tenant); !s) {
        return Reply::from(s.error());
    }
    return Reply::json({{"updated", records->size()}});
}

}  // namespace

// Exports are heavy: a longer statement timeout, and a cap on how many run at
// once (api.heavy_* in docs/relay.md).
void add_recon_exception_routes(RouteTable& t) {
    constexpr Roles kWorkers = kStaffAdmin | kTenantAdmin | kTenantAnalyst;
    t.add({"GET", "/api/v1/recon/exceptions", kAnyone, Access::scoped, list_exceptions,
           "Exceptions by status, rule, severity, vendor and assignee"});
    t.add({"GET", "/api/v1/recon/exceptions/export", kAnyone, Access::scoped, export_exceptions,
           "The filtered exceptions as CSV"})
        .heavy = true;
    t.add({"GET", "/api/v1/recon/exceptions/summary", kAnyone, Access::scoped, exception_summary,
           "Exceptions by status; open ones by rule and severity"});
    t.add({"POST", "/api/v1/recon/exceptions/actions", kWorkers, Access::scoped, act_on_exceptions,
           "One action on many exceptions, all or nothing"});
    t.add({"GET", "/api/v1/recon/exceptions/{exception_id}", kAnyone, Access::scoped, get_exception,
           "One exception with its history"});
    t.add({"POST", "/api/v1/recon/exceptions/{exception_id}/actions", kWorkers, Access::scoped,
           act_on_exception, "Comment, assign, resolve, override or reopen"});
}

}  // namespace cs::relay::api::routes

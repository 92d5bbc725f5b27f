// Reconciliation (docs/reconciliation.md): runs, exceptions and their workflow,
// item mappings, vendor contract file uploads and the tenant's policy. Every
// route works on the tenant in scope; the functions of relay/recon do the work
// inside this request's transaction and hand back what the audit log records.
#include <fmt/format.h>

#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/recon/recon.hpp"

namespace cs::relay::api::routes {
namespace {

using json = nlohmann::json;
namespace rc = recon;

// Exports are built in memory: this many rows at most (about 40 MB of CSV).
constexpr std::size_t kMaxExportRows = 100'000;
// Vendor items a manual run suggests mappings for before it answers; the
// scheduler's next tick continues with the rest.
constexpr std::size_t kSuggestKeysPerRequest = 200;

Expected<std::string> scope(const RequestContext& ctx) {
    if (!ctx.tenant) {
        return make_error(ErrorCode::invalid_argument,
                          "reconciliation belongs to a tenant: select one with the X-Tenant-Id "
                          "header");
    }
    return *ctx.tenant;
}

rc::Actor actor(const RequestContext& ctx) {
    return rc::Actor{ctx.who().user_id};
}

Status audit(RequestContext& ctx, const rc::AuditRecord& a, const std::string& tenant) {
    return ctx.audit(a.action, a.entity_type, a.entity_id, a.before, a.after, tenant);
}

// The library's own cursor travels inside the API's page token.
std::string library_cursor(const PageRequest& page) {
    if (!page.after || !page.after->is_array() || page.after->empty() ||
        !(*page.after)[0].is_string()) {
        return "";
    }
    return (*page.after)[0].get<std::string>();
}

template <typename T>
json page_json(const rc::Page<T>& page) {
    json items = json::array();
    for (const auto& item : page.items) {
        items.push_back(rc::to_json(item));
    }
    return {{"items", std::move(items)},
            {"next_page_token", page.next_cursor.empty()
                                    ? json()
                                    : json(encode_page_token(json::array({page.next_cursor})))}};
}

// An optional JSON body (empty is fine); an object when present.
Expected<json> optional_body(const RequestContext& ctx) {
    if (ctx.http.body.empty()) {
        return json::object();
    }
    return ctx.body();
}

std::optional<std::string> query(const RequestContext& ctx, std::string_view name) {
    auto v = ctx.query.get(name);
    if (v && v->empty()) {
        return std::nullopt;
    }
    return v;
}

// ---- runs

Reply list_runs(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    auto runs = rc::list_runs(ctx.db, *tenant, library_cursor(*page), static_cast<int>(page->size));
    return runs ? Reply::json(page_json(*runs)) : Reply::from(runs.error());
}

Reply start_run(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto body = optional_body(ctx);
    if (!tenant || !body) {
        return Reply::from(!tenant ? tenant.error() : body.error());
    }
    if (auto s = only_fields(*body, {"as_of"}); !s) {
        return Reply::from(s.error());
    }
    rc::RunOptions options;
    options.trigger = rc::Trigger::manual;
    options.requested_by = actor(ctx);
    if (auto as_of = string_field(*body, "as_of", false, 10); !as_of) {
        return Reply::from(as_of.error());
    } else if (*as_of) {
        auto date = Date::parse_iso(**as_of);
        if (!date) {
            return bad_request("'as_of' must be a date (YYYY-MM-DD)");
        }
        options.as_of = *date;
    }
    auto summary = rc::run(ctx.db, *tenant, options);
    if (!summary) {
        return Reply::from(summary.error());
    }
    // What the run found unmapped gets its suggestions now, so the person who
    // asked can decide them at once (the scheduler does the same after its runs).
    rc::SuggestOptions suggest;
    suggest.max_keys = kSuggestKeysPerRequest;
    auto suggested = rc::suggest_mappings(ctx.db, *tenant, suggest);
    if (!suggested) {
        return Reply::from(suggested.error());
    }
    auto out = rc::to_json(*summary);
    out["suggestions_added"] = suggested->suggestions;
    if (auto s = ctx.audit("recon.run.start", "recon_run", summary->run_id, nullptr, out, *tenant);
        !s) {
        return Reply::from(s.error());
    }
    return Reply::created(std::move(out));
}

Reply get_run(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "run_id");
    if (!tenant || !id) {
        return Reply::from(!tenant ? tenant.error() : id.error());
    }
    auto run = rc::get_run(ctx.db, *tenant, *id);
    return run ? Reply::json(rc::to_json(*run)) : Reply::from(run.error());
}

// ---- exceptions

Expected<rc::ExceptionFilter> exception_filter(const RequestContext& ctx) {
    rc::ExceptionFilter f;
    if (auto v = query(ctx, "status")) {
        auto s = rc::parse_exception_status(*v);
        if (!s) {
            return std::move(s).error();
        }
        f.status = *s;
    }
    if (auto v = query(ctx, "rule")) {
        auto r = rc::parse_rule(*v);
        if (!r) {
            return std::move(r).error();
        }
        f.rule = *r;
    }
    if (auto v = query(ctx, "severity")) {
        auto s = rc::parse_severity(*v);
        if (!s) {
            return std::move(s).error();
        }
        f.severity = *s;
    }
    f.vendor_id = query(ctx, "vendor_id");
    f.assignee = query(ctx, "assignee");
    if (auto v = query(ctx, "order")) {
        if (*v != "newest" && *v != "severity") {
            return make_error(ErrorCode::invalid_argument, "'order' is newest or severity");
        }
        f.order = *v == "severity" ? rc::ExceptionOrder::severity : rc::ExceptionOrder::newest;
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
    return list ? Reply::json(page_json(*list)) : Reply::from(list.error());
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

Expected<std::vector<std::string>> id_list(const json& body, std::string_view name) {
    auto it = body.find(name);
    if (it == body.end() || !it->is_array() || it->empty() || it->size() > rc::kMaxBulkItems) {
        return make_error(ErrorCode::invalid_argument, "'{}' must list 1 to {} ids", name,
                          rc::kMaxBulkItems);
    }
    std::vector<std::string> ids;
    for (const auto& v : *it) {
        if (!v.is_string() || !is_uuid(v.get<std::string>())) {
            return make_error(ErrorCode::invalid_argument, "'{}' must hold UUIDs", name);
        }
        ids.push_back(v.get<std::string>());
    }
    return ids;
}

Reply act_on_exceptions(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto body = ctx.body();
    if (!tenant || !body) {
        return Reply::from(!tenant ? tenant.error() : body.error());
    }
    auto ids = id_list(*body, "exception_ids");
    if (!ids) {
        return Reply::from(ids.error());
    }
    json action_body = *body;
    action_body.erase("exception_ids");
    auto action = rc::action_from_json(action_body);
    if (!action) {
        return Reply::from(action.error());
    }
    auto records = rc::act_on_exceptions(ctx.db, *tenant, *ids, actor(ctx), *action);
    if (!records) {
        return Reply::from(records.error());
    }
    for (const auto& a : *records) {
        if (auto s = audit(ctx, a, *tenant); !s) {
            return Reply::from(s.error());
        }
    }
    return Reply::json({{"updated", records->size()}});
}

// ---- mappings

Reply list_mappings(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    rc::MappingFilter f;
    f.status = query(ctx, "status");
    f.vendor_id = query(ctx, "vendor_id");
    f.vendor_item = query(ctx, "vendor_item");
    f.cursor = library_cursor(*page);
    f.limit = static_cast<int>(page->size);
    auto list = rc::list_mappings(ctx.db, *tenant, f);
    return list ? Reply::json(page_json(*list)) : Reply::from(list.error());
}

Expected<rc::MappingTarget> mapping_target(const json& body, bool item_required) {
    auto item = string_field(body, "p21_item_id", item_required);
    auto site = string_field(body, "p21_site_id", false, 36);
    auto uom = string_field(body, "p21_uom", false, 20);
    if (!item || !site || !uom) {
        return !item   ? std::move(item).error()
               : !site ? std::move(site).error()
                       : std::move(uom).error();
    }
    return rc::MappingTarget{item->value_or(""), site->value_or(""), uom->value_or("")};
}

Reply reply_with_mapping(RequestContext& ctx, const std::string& tenant, const rc::AuditRecord& a,
                         const std::string& mapping_id, int status) {
    if (auto s = audit(ctx, a, tenant); !s) {
        return Reply::from(s.error());
    }
    auto m = rc::get_mapping(ctx.db, tenant, mapping_id);
    return m ? Reply::json(rc::to_json(*m), status) : Reply::from(m.error());
}

Reply create_mapping(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto body = ctx.body();
    if (!tenant || !body) {
        return Reply::from(!tenant ? tenant.error() : body.error());
    }
    if (auto s = only_fields(*body, {"vendor_id", "vendor_item", "vendor_uom", "p21_item_id",
                                     "p21_site_id", "p21_uom", "note"});
        !s) {
        return Reply::from(s.error());
    }
    auto vendor = string_field(*body, "vendor_id", true);
    auto item = string_field(*body, "vendor_item", true);
    auto uom = string_field(*body, "vendor_uom", false, 20);
    auto note = string_field(*body, "note", false, rc::kMaxReasonBytes);
    auto target = mapping_target(*body, true);
    if (!vendor || !item || !uom || !note || !target) {
        return Reply::from(!vendor ? vendor.error()
                           : !item ? item.error()
                           : !uom  ? uom.error()
                           : !note ? note.error()
                                   : target.error());
    }
    rc::VendorKey key{**vendor, **item, uom->value_or("EA")};
    auto a = rc::create_mapping(ctx.db, *tenant, key, *target, actor(ctx), note->value_or(""));
    if (!a) {
        return Reply::from(a.error());
    }
    return reply_with_mapping(ctx, *tenant, *a, a->entity_id, 201);
}

Reply edit_mapping(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "mapping_id");
    auto body = ctx.body();
    if (!tenant || !id || !body) {
        return Reply::from(!tenant ? tenant.error() : !id ? id.error() : body.error());
    }
    if (auto s = only_fields(*body, {"p21_item_id", "p21_site_id", "p21_uom", "note"}); !s) {
        return Reply::from(s.error());
    }
    auto target = mapping_target(*body, true);
    auto note = string_field(*body, "note", false, rc::kMaxReasonBytes);
    if (!target || !note) {
        return Reply::from(!target ? target.error() : note.error());
    }
    auto a = rc::edit_mapping(ctx.db, *tenant, *id, *target, actor(ctx), note->value_or(""));
    if (!a) {
        return Reply::from(a.error());
    }
    return reply_with_mapping(ctx, *tenant, *a, a->after.value("mapping_id", *id), 200);
}

Reply decide_one(RequestContext& ctx, rc::MappingDecision decision) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "mapping_id");
    auto body = optional_body(ctx);
    if (!tenant || !id || !body) {
        return Reply::from(!tenant ? tenant.error() : !id ? id.error() : body.error());
    }
    if (auto s = only_fields(*body, {"note"}); !s) {
        return Reply::from(s.error());
    }
    auto note = string_field(*body, "note", false, rc::kMaxReasonBytes);
    if (!note) {
        return Reply::from(note.error());
    }
    auto a = rc::decide_mappings(ctx.db, *tenant, {*id}, decision, actor(ctx), note->value_or(""));
    if (!a) {
        return Reply::from(a.error());
    }
    return reply_with_mapping(ctx, *tenant, a->front(), *id, 200);
}

Reply approve_mapping(RequestContext& ctx) {
    return decide_one(ctx, rc::MappingDecision::approve);
}

Reply reject_mapping(RequestContext& ctx) {
    return decide_one(ctx, rc::MappingDecision::reject);
}

Reply decide_mappings(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto body = ctx.body();
    if (!tenant || !body) {
        return Reply::from(!tenant ? tenant.error() : body.error());
    }
    if (auto s = only_fields(*body, {"mapping_ids", "decision", "note"}); !s) {
        return Reply::from(s.error());
    }
    auto ids = id_list(*body, "mapping_ids");
    auto decision = string_field(*body, "decision", true, 16);
    auto note = string_field(*body, "note", false, rc::kMaxReasonBytes);
    if (!ids || !decision || !note) {
        return Reply::from(!ids ? ids.error() : !decision ? decision.error() : note.error());
    }
    if (**decision != "approve" && **decision != "reject") {
        return bad_request("'decision' is approve or reject");
    }
    auto records = rc::decide_mappings(
        ctx.db, *tenant, *ids,
        **decision == "approve" ? rc::MappingDecision::approve : rc::MappingDecision::reject,
        actor(ctx), note->value_or(""));
    if (!records) {
        return Reply::from(records.error());
    }
    for (const auto& a : *records) {
        if (auto s = audit(ctx, a, *tenant); !s) {
            return Reply::from(s.error());
        }
    }
    return Reply::json({{"updated", records->size()}});
}

Reply suggest_mappings(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto body = optional_body(ctx);
    if (!tenant || !body) {
        return Reply::from(!tenant ? tenant.error() : body.error());
    }
    if (auto s = only_fields(*body, {}); !s) {
        return Reply::from(s.error());
    }
    auto report = rc::suggest_mappings(ctx.db, *tenant);
    if (!report) {
        return Reply::from(report.error());
    }
    json out = {{"keys", report->keys}, {"suggestions", report->suggestions}};
    if (auto s = ctx.audit("recon.mapping.suggest", "recon_mapping", "", nullptr, out, *tenant);
        !s) {
        return Reply::from(s.error());
    }
    return Reply::json(std::move(out));
}

Reply search_items(RequestContext& ctx) {
    auto tenant = scope(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto q = query(ctx, "q");
    if (!q) {
        return bad_request("'q' (an item id or words of a description) is required");
    }
    auto items = rc::find_p21_items(ctx.db, *tenant, *q);
    if (!items) {
        return Reply::from(items.error());
    }
    json out = json::array();
    for (const auto& i : *items) {
        out.push_back(rc::to_json(i));
    }
    return Reply::json({{"items", std::move(out)}});
}

// ---- policy and vendor links

Reply get_policy(RequestContext& ctx) {
    auto tenant = scope(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto p = rc::get_policy(ctx.db, *tenant);
    return p ? Reply::json(rc::to_json(*p)) : Reply::from(p.error());
}

Reply update_policy(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto body = ctx.body();
    if (!tenant || !body) {
        return Reply::from(!tenant ? tenant.error() : body.error());
    }
    auto current = rc::get_policy(ctx.db, *tenant);
    if (!current) {
        return Reply::from(current.error());
    }
    auto wanted = rc::policy_from_json(*body, *current);
    if (!wanted) {
        return Reply::from(wanted.error());
    }
    auto a = rc::update_policy(ctx.db, *tenant, *wanted, actor(ctx));
    if (!a) {
        return Reply::from(a.error());
    }
    if (auto s = audit(ctx, *a, *tenant); !s) {
        return Reply::from(s.error());
    }
    return Reply::json(a->after);
}

Reply list_vendor_links(RequestContext& ctx) {
    auto tenant = scope(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto links = rc::list_vendor_links(ctx.db, *tenant);
    if (!links) {
        return Reply::from(links.error());
    }
    json items = json::array();
    for (const auto& l : *links) {
        items.push_back({{"vendor_id", l.vendor_id}, {"supplier_id", l.supplier_id}});
    }
    return Reply::json({{"items", std::move(items)}});
}

Reply set_vendor_link(RequestContext& ctx, bool remove) {
    auto tenant = scope(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    std::string supplier;
    if (!remove) {
        auto body = ctx.body();
        if (!body) {
            return Reply::from(body.error());
        }
        if (auto s = only_fields(*body, {"supplier_id"}); !s) {
            return Reply::from(s.error());
        }
        auto field = string_field(*body, "supplier_id", true);
        if (!field) {
            return Reply::from(field.error());
        }
        supplier = **field;
    }
    auto a = rc::set_vendor_link(ctx.db, *tenant, ctx.param("vendor_id"), supplier);
    if (!a) {
        return Reply::from(a.error());
    }
    if (auto s = audit(ctx, *a, *tenant); !s) {
        return Reply::from(s.error());
    }
    return remove ? Reply::no_content() : Reply::json(a->after);
}

Reply put_vendor_link(RequestContext& ctx) {
    return set_vendor_link(ctx, false);
}

Reply delete_vendor_link(RequestContext& ctx) {
    return set_vendor_link(ctx, true);
}

// ---- vendor files

Reply upload_vendor_file(RequestContext& ctx) {
    auto tenant = scope(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    if (ctx.env.blobs == nullptr) {
        return Reply::error(503,
                            "uploads need somewhere to keep the files: set the relay's "
                            "data_dir");
    }
    auto type = ctx.http.header("content-type");
    if (type.substr(0, 16) == "application/json") {
        return Reply::error(415,
                            "send the file itself as the body (text/csv, the XLSX media type or "
                            "application/octet-stream) with ?name=<file name>");
    }
    auto name = query(ctx, "name");
    if (!name || name->size() > 255) {
        return bad_request("'name' (the file's name, 1-255 bytes) is required");
    }
    if (ctx.http.body.empty()) {
        return bad_request("the file is empty");
    }
    rc::VendorUpload upload;
    upload.file_name = *name;
    upload.bytes = ctx.http.body;
    upload.options.vendor_id = query(ctx, "vendor_id");
    upload.options.contract_no = query(ctx, "contract_no");
    upload.options.day_first = query(ctx, "day_first").value_or("false") == "true";
    upload.options.decimal_comma = query(ctx, "decimal_comma").value_or("false") == "true";
    upload.options.limits.max_file_bytes = ctx.env.max_upload_bytes;
    upload.uploaded_by = actor(ctx);
    auto report = rc::ingest_vendor_file(ctx.db, *ctx.env.blobs, *tenant, upload);
    if (!report) {
        return Reply::from(report.error());
    }
    if (auto s = audit(ctx, report->audit, *tenant); !s) {
        // The file row goes with the transaction; its bytes stay (unreferenced).
        return Reply::from(s.error());
    }
    json errors = json::array();
    for (const auto& e : report->errors) {
        errors.push_back(rc::to_json(e));
    }
    return Reply::created({{"file", rc::to_json(report->file)},
                           {"errors", std::move(errors)},
                           {"superseded_lines", report->superseded_lines}});
}

Reply list_vendor_files(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    auto files =
        rc::list_vendor_files(ctx.db, *tenant, library_cursor(*page), static_cast<int>(page->size));
    return files ? Reply::json(page_json(*files)) : Reply::from(files.error());
}

Reply get_vendor_file(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "file_id");
    if (!tenant || !id) {
        return Reply::from(!tenant ? tenant.error() : id.error());
    }
    auto file = rc::get_vendor_file(ctx.db, *tenant, *id);
    if (!file) {
        return Reply::from(file.error());
    }
    auto errors = rc::vendor_file_errors(ctx.db, *tenant, *id);
    if (!errors) {
        return Reply::from(errors.error());
    }
    json out = rc::to_json(*file);
    out["errors"] = json::array();
    for (const auto& e : *errors) {
        out["errors"].push_back(rc::to_json(e));
    }
    return Reply::json(std::move(out));
}

Reply get_vendor_file_errors(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "file_id");
    if (!tenant || !id) {
        return Reply::from(!tenant ? tenant.error() : id.error());
    }
    if (auto file = rc::get_vendor_file(ctx.db, *tenant, *id); !file) {
        return Reply::from(file.error());
    }
    auto errors = rc::vendor_file_errors(ctx.db, *tenant, *id);
    if (!errors) {
        return Reply::from(errors.error());
    }
    json items = json::array();
    for (const auto& e : *errors) {
        items.push_back(rc::to_json(e));
    }
    return Reply::json({{"items", std::move(items)}});
}

}  // namespace

void add_recon_routes(RouteTable& t) {
    constexpr Roles kWorkers = kStaffAdmin | kTenantAdmin | kTenantAnalyst;
    constexpr Roles kOwners = kStaffAdmin | kTenantAdmin;
    t.add({"GET", "/api/v1/recon/runs", kAnyone, Access::scoped, list_runs,
           "Reconciliation runs, newest first"});
    t.add({"POST", "/api/v1/recon/runs", kStaff | kTenantAdmin | kTenantAnalyst, Access::scoped,
           start_run,
           "Reconcile now (as_of: the day effective dates are judged on), then suggest mappings "
           "for what is unmapped"});
    t.add({"GET", "/api/v1/recon/runs/{run_id}", kAnyone, Access::scoped, get_run,
           "One run and what it found"});
    t.add({"GET", "/api/v1/recon/exceptions", kAnyone, Access::scoped, list_exceptions,
           "Exceptions by status, rule, severity, vendor and assignee"});
    t.add({"GET", "/api/v1/recon/exceptions/export", kAnyone, Access::scoped, export_exceptions,
           "The filtered exceptions as CSV"});
    t.add({"GET", "/api/v1/recon/exceptions/summary", kAnyone, Access::scoped, exception_summary,
           "Exceptions by status; open ones by rule and severity"});
    t.add({"POST", "/api/v1/recon/exceptions/actions", kWorkers, Access::scoped, act_on_exceptions,
           "One action on many exceptions, all or nothing"});
    t.add({"GET", "/api/v1/recon/exceptions/{exception_id}", kAnyone, Access::scoped, get_exception,
           "One exception with its history"});
    t.add({"POST", "/api/v1/recon/exceptions/{exception_id}/actions", kWorkers, Access::scoped,
           act_on_exception, "Comment, assign, resolve, override or reopen"});
    t.add({"GET", "/api/v1/recon/mappings", kAnyone, Access::scoped, list_mappings,
           "Item mappings and suggestions, newest first"});
    t.add({"POST", "/api/v1/recon/mappings", kWorkers, Access::scoped, create_mapping,
           "Map a vendor item to a P21 item by hand"});
    t.add({"POST", "/api/v1/recon/mappings/decisions", kWorkers, Access::scoped, decide_mappings,
           "Approve or reject many mappings, all or nothing"});
    t.add({"POST", "/api/v1/recon/mappings/suggest", kWorkers, Access::scoped, suggest_mappings,
           "Suggest P21 items for unmapped vendor items now"});
    t.add({"PATCH", "/api/v1/recon/mappings/{mapping_id}", kWorkers, Access::scoped, edit_mapping,
           "Point a mapping's vendor item at another P21 item or unit, approved"});
    t.add({"POST", "/api/v1/recon/mappings/{mapping_id}/approve", kWorkers, Access::scoped,
           approve_mapping, "Approve a mapping; later runs use it"});
    t.add({"POST", "/api/v1/recon/mappings/{mapping_id}/reject", kWorkers, Access::scoped,
           reject_mapping, "Reject a mapping; it is never applied or suggested again"});
    t.add({"GET", "/api/v1/recon/p21-items", kAnyone, Access::scoped, search_items,
           "P21 items by item id or description, for mapping"});
    t.add({"GET", "/api/v1/recon/policy", kAnyone, Access::scoped, get_policy,
           "The tenant's tolerances and scheduling"});
    t.add({"PATCH", "/api/v1/recon/policy", kOwners, Access::scoped, update_policy,
           "Change tolerances and scheduling"});
    t.add({"GET", "/api/v1/recon/vendor-links", kAnyone, Access::scoped, list_vendor_links,
           "Vendor codes linked to P21 supplier ids"});
    t.add({"PUT", "/api/v1/recon/vendor-links/{vendor_id}", kOwners, Access::scoped,
           put_vendor_link, "Link a vendor code to a P21 supplier id"});
    t.add({"DELETE", "/api/v1/recon/vendor-links/{vendor_id}", kOwners, Access::scoped,
           delete_vendor_link, "Remove a vendor link"});
    t.add({"POST", "/api/v1/vendor-files", kWorkers, Access::scoped, upload_vendor_file,
           "Upload a vendor contract file (CSV or XLSX) as the body", true});
    t.add({"GET", "/api/v1/vendor-files", kAnyone, Access::scoped, list_vendor_files,
           "Uploaded vendor files, newest first"});
    t.add({"GET", "/api/v1/vendor-files/{file_id}", kAnyone, Access::scoped, get_vendor_file,
           "One uploaded file with its line errors"});
    t.add({"GET", "/api/v1/vendor-files/{file_id}/errors", kAnyone, Access::scoped,
           get_vendor_file_errors, "The line errors of one uploaded file, in line order"});
}

}  // namespace cs::relay::api::routes

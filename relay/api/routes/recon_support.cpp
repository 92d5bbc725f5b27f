#include "relay/api/routes/recon_support.hpp"

#include "relay/api/http/reply.hpp"

namespace cs::relay::api::routes::recon_support {

Expected<std::string> scope(const RequestContext& ctx) {
    if (!ctx.tenant) {
        return make_error(ErrorCode::invalid_argument,
                          "reconciliation belongs to a tenant: select one with the X-Tenant-Id "
                          "header");
    }
    return *ctx.tenant;
}

recon::Actor actor(const RequestContext& ctx) {
    return recon::Actor{ctx.who().user_id};
}

Status audit(RequestContext& ctx, const recon::AuditRecord& a, const std::string& tenant) {
    return ctx.audit(a.action, a.entity_type, a.entity_id, a.before, a.after, tenant);
}

Status audit_all(RequestContext& ctx, const std::vector<recon::AuditRecord>& records,
                 const std::string& tenant) {
    std::vector<AuditEntry> entries;
    entries.reserve(records.size());
    for (const auto& a : records) {
        entries.push_back({a.action, a.entity_type, a.entity_id, a.before, a.after});
    }
    return ctx.audit_all(entries, tenant);
}

Expected<std::vector<std::string>> id_list(const nlohmann::json& body, std::string_view name) {
    auto it = body.find(name);
    if (it == body.end() || !it->is_array() || it->empty() || it->size() > recon::kMaxBulkItems) {
        return make_error(ErrorCode::invalid_argument, "'{}' must list 1 to {} ids", name,
                          recon::kMaxBulkItems);
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

Expected<nlohmann::json> reevaluate(RequestContext& ctx, const std::string& tenant,
                                    std::vector<recon::LineScope> scope) {
    auto run = recon::reevaluate(ctx.db, tenant, std::move(scope), actor(ctx));
    if (!run) {
        return std::move(run).error();
    }
    if (!*run) {
        return nlohmann::json();
    }
    const recon::RunSummary& r = **run;
    return nlohmann::json{{"run_id", r.run_id},         {"lines", r.lines},
                          {"findings", r.findings},     {"opened", r.opened},
                          {"reopened", r.reopened},     {"auto_resolved", r.auto_resolved},
                          {"still_open", r.still_open}, {"open_after", r.open_after}};
}

std::string library_cursor(const PageRequest& page) {
    if (!page.after || !page.after->is_array() || page.after->empty() ||
        !(*page.after)[0].is_string()) {
        return "";
    }
    return (*page.after)[0].get<std::string>();
}

Expected<nlohmann::json> optional_body(const RequestContext& ctx) {
    if (ctx.http.body.empty()) {
        return nlohmann::json::object();
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

}  // namespace cs::relay::api::routes::recon_support

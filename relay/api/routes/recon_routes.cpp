// Reconciliation (docs/reconciliation.md): item mappings, the tenant's policy
// and vendor links (exceptions: recon_exception_routes.cpp). Every
// route works on the tenant in scope; the functions of relay/recon do the work
// inside this request's transaction and hand back what the audit log records.
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

// The mapping as it now stands, after its vendor item's lines are
// re-evaluated, with what that found.
Reply reply_with_mapping(RequestContext& ctx, const std::string& tenant, const rc::AuditRecord& a,
                         const std::string& mapping_id, int status) {
    if (auto s = audit(ctx, a, tenant); !s) {
        return Reply::from(s.error());
    }
    auto m = rc::get_mapping(ctx.db, tenant, mapping_id);
    if (!m) {
        return Reply::from(m.error());
    }
    auto found = reevaluate(ctx, tenant, {{m->vendor_id, m->vendor_item, m->vendor_uom}});
    if (!found) {
        return Reply::from(found.error());
    }
    json out = rc::to_json(*m);
    out["reevaluation"] = std::move(*found);
    return Reply::json(std::move(out), status);
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
    if (auto s = audit_all(ctx, *records, *tenant); !s) {
        return Reply::from(s.error());
    }
    std::vector<rc::LineScope> keys;
    for (const auto& id : *ids) {
        auto m = rc::get_mapping(ctx.db, *tenant, id);
        if (!m) {
            return Reply::from(m.error());
        }
        keys.push_back({m->vendor_id, m->vendor_item, m->vendor_uom});
    }
    auto found = reevaluate(ctx, *tenant, std::move(keys));
    if (!found) {
        return Reply::from(found.error());
    }
    return Reply::json({{"updated", records->size()}, {"reevaluation", std::move(*found)}});
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
        return bad_request(
            "'q' (an item id, a supplier part number or words of a description) is required");
    }
    auto limit = ctx.query.integer("limit", 20, 1, rc::kMaxSearchResults);
    if (!limit) {
        return Reply::from(limit.error());
    }
    return items_reply(rc::find_p21_items(ctx.db, *tenant, *q, static_cast<int>(*limit),
                                          query(ctx, "supplier_id").value_or("")));
}

Reply search_suppliers(RequestContext& ctx) {
    auto tenant = scope(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto q = query(ctx, "q");
    if (!q) {
        return bad_request("'q' (a supplier id or part of a supplier name) is required");
    }
    auto limit = ctx.query.integer("limit", 20, 1, rc::kMaxSearchResults);
    if (!limit) {
        return Reply::from(limit.error());
    }
    return items_reply(rc::find_p21_suppliers(ctx.db, *tenant, *q, static_cast<int>(*limit)));
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
        items.push_back(
            {{"vendor_id", l.vendor_id},
             {"supplier_id", l.supplier_id.empty() ? json() : json(l.supplier_id)},
             {"supplier_name", l.supplier_name.empty() ? json() : json(l.supplier_name)},
             {"open_missing", l.open_missing},
             {"supplier_unknown", l.supplier_unknown}});
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
    // The vendor's lines are evaluated again with (or without) the link.
    auto found = reevaluate(ctx, *tenant, {{a->entity_id, "", ""}});
    if (!found) {
        return Reply::from(found.error());
    }
    if (remove) {
        return Reply::no_content();
    }
    json out = a->after;
    out["reevaluation"] = std::move(*found);
    return Reply::json(std::move(out));
}

Reply put_vendor_link(RequestContext& ctx) {
    return set_vendor_link(ctx, false);
}

Reply delete_vendor_link(RequestContext& ctx) {
    return set_vendor_link(ctx, true);
}

}  // namespace

// Suggestions are heavy: a longer statement timeout, and a cap on how many run
// at once (api.heavy_* in docs/relay.md).
void add_recon_routes(RouteTable& t) {
    constexpr Roles kWorkers = kStaffAdmin | kTenantAdmin | kTenantAnalyst;
    constexpr Roles kOwners = kStaffAdmin | kTenantAdmin;
    t.add({"GET", "/api/v1/recon/mappings", kAnyone, Access::scoped, list_mappings,
           "Item mappings and suggestions, newest first"});
    t.add({"POST", "/api/v1/recon/mappings", kWorkers, Access::scoped, create_mapping,
           "Map a vendor item to a P21 item by hand"});
    t.add({"POST", "/api/v1/recon/mappings/decisions", kWorkers, Access::scoped, decide_mappings,
           "Approve or reject many mappings, all or nothing"});
    t.add({"POST", "/api/v1/recon/mappings/suggest", kWorkers, Access::scoped, suggest_mappings,
           "Suggest P21 items for unmapped vendor items now"})
        .heavy = true;
    t.add({"PATCH", "/api/v1/recon/mappings/{mapping_id}", kWorkers, Access::scoped, edit_mapping,
           "Point a mapping's vendor item at another P21 item or unit, approved"});
    t.add({"POST", "/api/v1/recon/mappings/{mapping_id}/approve", kWorkers, Access::scoped,
           approve_mapping, "Approve a mapping; later runs use it"});
    t.add({"POST", "/api/v1/recon/mappings/{mapping_id}/reject", kWorkers, Access::scoped,
           reject_mapping, "Reject a mapping; it is never applied or suggested again"});
    t.add({"GET", "/api/v1/recon/p21-items", kAnyone, Access::scoped, search_items,
           "P21 items by item id, supplier part number or description, for mapping"});
    t.add({"GET", "/api/v1/recon/p21-suppliers", kAnyone, Access::scoped, search_suppliers,
           "P21 suppliers by supplier id or name, for vendor links"});
    t.add({"GET", "/api/v1/recon/policy", kAnyone, Access::scoped, get_policy,
           "The tenant's tolerances and scheduling"});
    t.add({"PATCH", "/api/v1/recon/policy", kOwners, Access::scoped, update_policy,
           "Change tolerances and scheduling"});
    t.add({"GET", "/api/v1/recon/vendor-links", kAnyone, Access::scoped, list_vendor_links,
           "Vendor codes linked to P21 supplier ids, and vendors with unmapped lines"});
    // Linking a vendor fixes MISSING_MAPPING exceptions, the work of analysts
    // as much as item mappings are.
    t.add({"PUT", "/api/v1/recon/vendor-links/{vendor_id}", kWorkers, Access::scoped,
           put_vendor_link, "Link a vendor code to a P21 supplier id; its lines are re-evaluated"});
    t.add({"DELETE", "/api/v1/recon/vendor-links/{vendor_id}", kWorkers, Access::scoped,
           delete_vendor_link, "Remove a vendor link; its lines are re-evaluated"});
}

}  // namespace cs::relay::api::routes

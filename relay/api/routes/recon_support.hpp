#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "relay/api/core/context.hpp"
#include "relay/api/http/pagination.hpp"
#include "relay/recon/recon.hpp"

// Helpers shared by the reconciliation route files.
namespace cs::relay::api::routes::recon_support {

// The tenant in scope; an error telling staff to select one.
Expected<std::string> scope(const RequestContext& ctx);

// The caller, as the reconciliation functions record who acted.
recon::Actor actor(const RequestContext& ctx);

// Writes what a reconciliation function says to audit.
Status audit(RequestContext& ctx, const recon::AuditRecord& a, const std::string& tenant);
// The same for a bulk action's records, in one statement.
Status audit_all(RequestContext& ctx, const std::vector<recon::AuditRecord>& records,
                 const std::string& tenant);

// The library's own cursor, which travels inside the API's page token.
std::string library_cursor(const PageRequest& page);

// An optional JSON body (empty is fine); an object when present.
Expected<nlohmann::json> optional_body(const RequestContext& ctx);

// A query parameter; nullopt when absent or empty.
std::optional<std::string> query(const RequestContext& ctx, std::string_view name);

// A body member listing 1 to kMaxBulkItems UUIDs; the error names it.
Expected<std::vector<std::string>> id_list(const nlohmann::json& body, std::string_view name);

// Re-evaluates the contract lines a fix concerns at once (a run of trigger
// fix inside this request's transaction) and says what it found, for the
// reply's "reevaluation": {run_id, findings, opened, reopened, auto_resolved,
// still_open, open_after}, or null when a run of the tenant was in progress
// (the scheduler evaluates the fix after it).
Expected<nlohmann::json> reevaluate(RequestContext& ctx, const std::string& tenant,
                                    std::vector<recon::LineScope> scope);

// A page of the library's items as the API returns lists.
template <typename T>
nlohmann::json page_json(const recon::Page<T>& page) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : page.items) {
        items.push_back(recon::to_json(item));
    }
    return {{"items", std::move(items)},
            {"next_page_token",
             page.next_cursor.empty()
                 ? nlohmann::json()
                 : nlohmann::json(encode_page_token(nlohmann::json::array({page.next_cursor})))}};
}

// A whole (unpaged) list of the library's items as {"items": [...]}, or its error.
template <typename List>
Reply items_reply(const Expected<List>& list) {
    if (!list) {
        return Reply::from(list.error());
    }
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : *list) {
        items.push_back(recon::to_json(item));
    }
    return Reply::json({{"items", std::move(items)}});
}

}  // namespace cs::relay::api::routes::recon_support

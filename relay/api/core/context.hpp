#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "relay/api/auth/auth.hpp"
#include "relay/api/auth/principal.hpp"
#include "relay/api/http/pagination.hpp"
#include "relay/api/http/query.hpp"
#include "relay/api/http/reply.hpp"
#include "relay/db/connection.hpp"
#include "relay/server/http_types.hpp"

namespace cs::relay::api {

struct ApiEnv;

// One row of the audit log, for RequestContext::audit_all.
struct AuditEntry {
    std::string action;
    std::string entity_type;
    std::string entity_id;
    nlohmann::json before;
    nlohmann::json after;
};

// Who an audit row names when it is not the caller: a failed sign-in names
// the account it tried (or nobody), not an anonymous request.
struct AuditActor {
    std::optional<std::string> user_id;
    std::string name;
};

// One API request as a handler sees it. For scoped routes `db` is inside a
// transaction running as contractsync_tenant (a tenant in scope) or
// contractsync_staff (staff across tenants); it commits when the handler
// returns a success and rolls back otherwise, audit rows included.
class RequestContext {
public:
    RequestContext(const server::HttpRequest& request, const Query& parsed_query,
                   std::map<std::string, std::string, std::less<>> params,
                   db::Connection& connection, const ApiEnv& api_env)
        : http(request),
          query(parsed_query),
          db(connection),
          env(api_env),
          params_(std::move(params)) {}

    const server::HttpRequest& http;
    const Query& query;
    db::Connection& db;
    const ApiEnv& env;
    std::optional<Principal> principal;
    // The tenant whose rows this request sees: the user's own, or the one a
    // staff member selected (X-Tenant-Id); nullopt: staff across all tenants.
    std::optional<std::string> tenant;

    const std::string& param(std::string_view name) const;
    // The request body as a JSON object (415 without a JSON content type, 400
    // when malformed or not an object).
    Expected<nlohmann::json> body() const;
    Expected<PageRequest> page() const { return PageRequest::from(query); }
    const Principal& who() const { return *principal; }

    // The tenant a mutation acts on: the scope, or for staff without one the
    // `tenant_id` field of the body. Fails when neither names one.
    Expected<std::string> target_tenant(const nlohmann::json& body) const;

    // Appends to the audit log in this request's transaction, with secrets in
    // `before` and `after` redacted (redact_for_audit).
    Status audit(std::string_view action, std::string_view entity_type, std::string_view entity_id,
                 const nlohmann::json& before, const nlohmann::json& after,
                 const std::optional<std::string>& tenant_id);
    // The same for many rows in one statement (a bulk action touches thousands).
    Status audit_all(const std::vector<AuditEntry>& entries,
                     const std::optional<std::string>& tenant_id,
                     const std::optional<AuditActor>& actor = std::nullopt);

    // Extra headers for the reply (Set-Cookie on login and logout).
    std::vector<std::pair<std::string, std::string>> reply_headers;

private:
    std::map<std::string, std::string, std::less<>> params_;
};

// Runs one query whose first column is a JSON document per row and returns
// the parsed rows.
Expected<std::vector<nlohmann::json>> json_rows(db::Connection& db, std::string_view what,
                                                std::string_view sql, const db::Params& params);
// The same for exactly one row; ErrorCode::not_found with `missing` when none.
Expected<nlohmann::json> json_row(db::Connection& db, std::string_view what, std::string_view sql,
                                  const db::Params& params, std::string_view missing);

// `value` without its secrets, for the audit log that analysts read: members
// named like a secret (password, secret, client_secret, site_key, token) become
// "[redacted]"; webhook URLs keep only scheme and host, since their path and
// query often are the credential.
nlohmann::json redact_for_audit(const nlohmann::json& value);

// True for a canonical UUID text (the ids in paths and bodies).
bool is_uuid(std::string_view text);

}  // namespace cs::relay::api

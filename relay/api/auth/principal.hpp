#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cs::relay::api {

// Roles as bits, so a route states the set that may call it.
enum Role : unsigned {
    kStaffOperator = 1u << 0,
    kStaffAdmin = 1u << 1,
    kTenantAdmin = 1u << 2,
    kTenantAnalyst = 1u << 3,
    kTenantViewer = 1u << 4,
};
using Roles = unsigned;

inline constexpr Roles kStaff = kStaffOperator | kStaffAdmin;
inline constexpr Roles kTenantAny = kTenantAdmin | kTenantAnalyst | kTenantViewer;
inline constexpr Roles kAnyone = kStaff | kTenantAny;
inline constexpr Roles kAllRoles[] = {kStaffOperator, kStaffAdmin, kTenantAdmin, kTenantAnalyst,
                                      kTenantViewer};

// "staff:operator", "tenant:analyst", ... as written in the OpenAPI document.
std::string_view role_name(Role role);
// From a users row: tenant user or staff, and the role column.
std::optional<Role> role_from(bool staff, std::string_view role);

// What an API token may do, on top of what its user's role allows. Portal
// sessions hold every scope. Stored in api_tokens.scopes by name.
enum Scope : unsigned {
    kScopeRead = 1u << 0,        // "read": every GET
    kScopeReconWrite = 1u << 1,  // "recon:write": changes under /recon, vendor-file uploads
    kScopeAdmin = 1u << 2,       // "admin": every other change
};
using Scopes = unsigned;
inline constexpr Scopes kAllScopes = kScopeRead | kScopeReconWrite | kScopeAdmin;
inline constexpr Scope kEveryScope[] = {kScopeRead, kScopeReconWrite, kScopeAdmin};

std::string_view scope_name(Scope scope);
std::optional<Scope> scope_from(std::string_view name);
// The scope a route needs when it does not say: GET reads; changes under
// /api/v1/recon/ and to vendor files are reconciliation work; the rest is admin.
Scope default_scope(std::string_view method, std::string_view path);

// Who is calling: a user through a portal session or one of their API tokens.
struct Principal {
    std::string user_id;
    std::string email;
    std::string display_name;
    std::optional<std::string> tenant_id;  // nullopt for platform staff
    std::string role_column;               // users.role as stored
    Role role = kTenantViewer;
    bool via_token = false;
    Scopes scopes = kAllScopes;  // narrower for API tokens
    std::string session_id;      // portal sessions
    std::string csrf_token;      // portal sessions
    std::string token_id;        // API tokens
    std::string token_name;      // API tokens

    bool staff() const { return !tenant_id.has_value(); }
    // For the audit log: the e-mail, or which token of whom.
    std::string actor() const;
};

}  // namespace cs::relay::api

#include "relay/api/auth/principal.hpp"

#include <fmt/format.h>

namespace cs::relay::api {

std::string_view role_name(Role role) {
    switch (role) {
        case kStaffOperator:
            return "staff:operator";
        case kStaffAdmin:
            return "staff:admin";
        case kTenantAdmin:
            return "tenant:admin";
        case kTenantAnalyst:
            return "tenant:analyst";
        case kTenantViewer:
            return "tenant:viewer";
    }
    return "unknown";
}

std::optional<Role> role_from(bool staff, std::string_view role) {
    if (staff) {
        if (role == "operator") {
            return kStaffOperator;
        }
        if (role == "admin") {
            return kStaffAdmin;
        }
        return std::nullopt;
    }
    if (role == "admin") {
        return kTenantAdmin;
    }
    if (role == "analyst") {
        return kTenantAnalyst;
    }
    if (role == "viewer") {
        return kTenantViewer;
    }
    return std::nullopt;
}

std::string_view scope_name(Scope scope) {
    switch (scope) {
        case kScopeRead:
            return "read";
        case kScopeReconWrite:
            return "recon:write";
        case kScopeAdmin:
            return "admin";
    }
    return "unknown";
}

std::optional<Scope> scope_from(std::string_view name) {
    for (auto scope : kEveryScope) {
        if (scope_name(scope) == name) {
            return scope;
        }
    }
    return std::nullopt;
}

Scope default_scope(std::string_view method, std::string_view path) {
    if (method == "GET" || method == "HEAD") {
        return kScopeRead;
    }
    if (path.starts_with("/api/v1/recon/") || path.starts_with("/api/v1/vendor-files")) {
        return kScopeReconWrite;
    }
    return kScopeAdmin;
}

std::string Principal::actor() const {
    return via_token ? fmt::format("token '{}' of {}", token_name, email) : email;
}

}  // namespace cs::relay::api

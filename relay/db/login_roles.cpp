#include "relay/db/login_roles.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include "relay/db/params.hpp"

namespace cs::relay::db {
namespace {

constexpr ApiLogin kTenant{"contractsync_api_tenant", "contractsync_tenant", "api_tenant"};
constexpr ApiLogin kStaff{"contractsync_api_staff", "contractsync_staff", "api_staff"};

// The schema owner, any superuser and any BYPASSRLS role the connected role is,
// or is a member of (directly or through other roles).
constexpr std::string_view kEscapes = R"sql(
WITH owner AS (SELECT relowner AS oid FROM pg_class WHERE oid = 'public.records'::regclass)
SELECT current_user::text,
       coalesce((SELECT string_agg(g.rolname || CASE WHEN g.oid = (SELECT oid FROM owner)
                                                     THEN ' (the schema owner)'
                                                     WHEN g.rolsuper THEN ' (a superuser)'
                                                     ELSE ' (BYPASSRLS)' END,
                                   ', ' ORDER BY g.rolname)
                 FROM pg_roles g
                 WHERE pg_has_role(current_user, g.oid, 'MEMBER')
                   AND (g.rolsuper OR g.rolbypassrls OR g.oid = (SELECT oid FROM owner))), ''),
       pg_has_role(current_user, $1::name, 'MEMBER'),
       CASE WHEN $2::text = '' THEN false ELSE pg_has_role(current_user, $2::name, 'MEMBER') END
)sql";

}  // namespace

const ApiLogin& api_login(ApiScope scope) {
    return scope == ApiScope::tenant ? kTenant : kStaff;
}

Status check_api_login(Connection& conn, ApiScope scope) {
    const auto& login = api_login(scope);
    // Tenant connections must not reach staff; staff may select a tenant anyway.
    std::string_view forbidden = scope == ApiScope::tenant ? kStaff.group : "";
    auto r = conn.query("checking the API login role", kEscapes,
                        Params().text(login.group).text(forbidden));
    if (!r) {
        return std::move(r).error();
    }
    std::string user(r->text(0, 0));
    auto what = fmt::format("database.{}_user: role {}", login.config_key, user);
    if (!r->text(0, 1).empty()) {
        return make_error(ErrorCode::invalid_argument,
                          "{} is or can become {}: row-level security would not bind API "
                          "requests; use a login role such as {} (migration 0007 creates it)",
                          what, r->text(0, 1), login.default_user);
    }
    if (!r->boolean(0, 2)) {
        return make_error(ErrorCode::invalid_argument,
                          "{} is not a member of {}, so API requests could not run under its "
                          "policies; GRANT {} TO {}",
                          what, login.group, login.group, user);
    }
    if (r->boolean(0, 3)) {
        return make_error(ErrorCode::invalid_argument,
                          "{} can become {}: a tenant request could then read every tenant; "
                          "REVOKE {} FROM {}",
                          what, forbidden, forbidden, user);
    }
    return ok();
}

Expected<bool> logged_in_as_superuser(Connection& conn) {
    auto r = conn.query("checking the database role",
                        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!r) {
        return std::move(r).error();
    }
    return r->rows() == 1 && r->boolean(0, 0);
}

Status set_login_password(Connection& owner, std::string_view role, std::string_view password) {
    std::string name(role);
    std::string secret(password);
    char* verifier =
        PQencryptPasswordConn(owner.native(), secret.c_str(), name.c_str(), "scram-sha-256");
    if (verifier == nullptr) {
        return make_error(ErrorCode::unavailable,
                          "role {}: cannot compute the password verifier: {}", name,
                          PQerrorMessage(owner.native()));
    }
    std::string text(verifier);
    PQfreemem(verifier);
    // ALTER ROLE takes no parameters: quote both parts on the server.
    auto statement = owner.query("quoting the password statement",
                                 "SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)",
                                 Params().text(name).text(text));
    if (!statement) {
        return std::move(statement).error();
    }
    auto r =
        owner.exec(fmt::format("setting the password of role {}", name), statement->text(0, 0));
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

}  // namespace cs::relay::db

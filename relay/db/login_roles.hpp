#pragma once

#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::db {

// The two kinds of API connection, each logged in as its own role (migration
// 0006): tenant-scoped requests and staff requests across tenants.
enum class ApiScope { tenant, staff };

struct ApiLogin {
    std::string_view default_user;  // the login role migration 0006 creates
    std::string_view group;         // the NOLOGIN role whose policies it runs under
    std::string_view config_key;    // its settings in relay.json: database.<key>_*
};

const ApiLogin& api_login(ApiScope scope);

// Fails, naming the role and the reason, unless the role `conn` is logged in as
// may serve `scope`: not a superuser, no BYPASSRLS, not the schema owner, no
// membership path to the owner or to a role that is either, a member of its
// group role, and for tenant connections no path to contractsync_staff. The
// relay refuses to start on any of these, since each undoes the isolation.
Status check_api_login(Connection& conn, ApiScope scope);

// True when the role `conn` is logged in as is a superuser: row-level security
// cannot bind it, FORCE included.
Expected<bool> logged_in_as_superuser(Connection& conn);

// Sets the password of login role `role` on an owner connection. Only a
// SCRAM-SHA-256 verifier computed here travels to the server, so the password
// appears in no statement text and no server log.
Status set_login_password(Connection& owner, std::string_view role, std::string_view password);

}  // namespace cs::relay::db

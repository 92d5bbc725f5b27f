#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "relay/api/auth/password.hpp"
#include "relay/api/auth/principal.hpp"
#include "relay/db/connection.hpp"

// Authentication runs as the database owner: it must find a user, session or
// token before the tenant (and so the row-level security scope) is known.
namespace cs::relay::api::auth {

inline constexpr std::string_view kSessionCookie = "cs_session";
inline constexpr std::string_view kSessionPrefix = "cs_sess_";
inline constexpr std::string_view kApiTokenPrefix = "cs_tok_";

struct Settings {
    PasswordCost cost;
    std::chrono::milliseconds session_idle{30LL * 60'000};
    std::chrono::milliseconds session_lifetime{12LL * 3'600'000};
    int failures_per_account = 5;
    int failures_per_address = 30;
    std::chrono::milliseconds login_window{15LL * 60'000};
};

struct LoginRequest {
    std::string email;
    std::string password;
    std::string address;
    std::string user_agent;
};

struct LoginOutcome {
    enum class Kind { ok, rejected, throttled } kind = Kind::rejected;
    Principal principal;                  // ok
    std::string session_token;            // ok: the cookie value; shown only to this client
    std::chrono::seconds retry_after{0};  // throttled
};

// Verifies the password (argon2id), unless the account or the address has had
// too many failures in the window; records the attempt; opens a session.
// Unknown e-mails, wrong passwords and disabled users look the same.
Expected<LoginOutcome> login(db::Connection& conn, const LoginRequest& request,
                             const Settings& settings);

// The principal of a live session; nullopt when unknown, ended, idle too long
// or past its lifetime. Refreshes the idle timer.
Expected<std::optional<Principal>> resolve_session(db::Connection& conn, std::string_view token,
                                                   const Settings& settings);
// The principal of a valid API token; nullopt when unknown, revoked or expired.
Expected<std::optional<Principal>> resolve_api_token(db::Connection& conn, std::string_view token);

Status end_session(db::Connection& conn, std::string_view session_id);
// Ends every session of a user (disabled, role changed, password changed).
Status end_user_sessions(db::Connection& conn, std::string_view user_id);
// Revokes every API token of a user (disabled, password changed): a token
// made by whoever knew the old password must not outlive it, and enabling
// the user again does not bring old tokens back.
Status revoke_user_tokens(db::Connection& conn, std::string_view user_id);

// Creates a user with a hashed password (used by the API and `admin create-user`).
struct NewUser {
    std::optional<std::string> tenant_id;
    std::string email;
    std::string display_name;
    std::string role;  // users.role: operator|admin (staff), admin|analyst|viewer (tenant)
    std::string password;
};
Status check_email(std::string_view email);
Expected<std::string> create_user(db::Connection& conn, const NewUser& user,
                                  const PasswordCost& cost);

}  // namespace cs::relay::api::auth

#include "relay/api/auth/auth.hpp"

#include <cmath>

#include <fmt/format.h>
#include <openssl/rand.h>

#include "common/uuid/uuid.hpp"
#include "relay/sites/site_key.hpp"

namespace cs::relay::api::auth {
namespace {

std::string interval(std::chrono::milliseconds d) {
    return fmt::format("{} milliseconds", d.count());
}

// The user columns every principal query selects, in this order.
constexpr std::string_view kUserColumns = "u.user_id, u.email, u.display_name, u.tenant_id, u.role";

// api_tokens.scopes as the bits of Scope.
constexpr std::string_view kScopeBits =
    "('read' = ANY(t.scopes))::int + ('recon:write' = ANY(t.scopes))::int * 2 + "
    "('admin' = ANY(t.scopes))::int * 4";
static_assert(kScopeRead == 1 && kScopeReconWrite == 2 && kScopeAdmin == 4);

Principal principal_from(const db::Result& r, int row) {
    Principal p;
    p.user_id = r.text(row, 0);
    p.email = r.text(row, 1);
    p.display_name = r.text(row, 2);
    if (!r.is_null(row, 3)) {
        p.tenant_id = std::string(r.text(row, 3));
    }
    p.role_column = r.text(row, 4);
    p.role = role_from(!p.tenant_id, p.role_column).value_or(kTenantViewer);
    return p;
}

Expected<std::string> random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
        return make_error(ErrorCode::internal, "the system random generator failed");
    }
    std::string out;
    for (unsigned char c : raw) {
        out += fmt::format("{:02x}", c);
    }
    return out;
}

struct Throttle {
    bool blocked = false;
    std::chrono::seconds retry_after{0};
};

// How long a (account, address) pair waits after `failures` failures in a
// row: nothing up to the limit, then 1 s doubling per failure, at most the
// window.
std::chrono::seconds pair_delay(std::int64_t failures, const Settings& s) {
    if (failures < s.failures_per_account) {
        return std::chrono::seconds(0);
    }
    auto cap = std::chrono::duration_cast<std::chrono::seconds>(s.login_window);
    auto steps = std::min<std::int64_t>(failures - s.failures_per_account, 30);
    return std::min(cap, std::chrono::seconds(std::int64_t{1} << steps));
}

Expected<Throttle> check_throttle(db::Connection& conn, const LoginRequest& req,
                                  const Settings& s) {
    // Three counts in the window: failures of this account from this address
    // since their last success (increasing delays: guessing from one place
    // slows to a crawl, the rightful user elsewhere is never locked out);
    // failures of this account from anywhere (past 20 times the limit, one
    // attempt per second: a distributed guess slows down, a user still gets
    // in); failures from this address for any account (spraying).
    auto r = conn.query(
        "checking login attempts",
        "WITH w AS (SELECT now() - $3::interval AS since), "
        "pair AS (SELECT count(*) AS n, extract(epoch FROM now() - max(at)) AS ago "
        "  FROM login_attempts, w WHERE lower(email) = lower($1) AND address = $2 AND NOT "
        "  succeeded AND at > w.since AND at > coalesce((SELECT max(at) FROM login_attempts "
        "  WHERE lower(email) = lower($1) AND address = $2 AND succeeded), '-infinity')), "
        "acct AS (SELECT count(*) AS n, extract(epoch FROM now() - max(at)) AS ago "
        "  FROM login_attempts, w WHERE lower(email) = lower($1) AND NOT succeeded AND at > "
        "  w.since), "
        "addr AS (SELECT count(*) AS n, min(at) AS oldest FROM login_attempts, w "
        "  WHERE address = $2 AND NOT succeeded AND at > w.since) "
        "SELECT pair.n, coalesce(pair.ago, 0)::float8, acct.n, coalesce(acct.ago, 0)::float8, "
        "addr.n, ceil(extract(epoch FROM (addr.oldest + $3::interval - now())))::bigint "
        "FROM pair, acct, addr",
        db::Params().text(req.email).text(req.address).text(interval(s.login_window)));
    if (!r) {
        return std::move(r).error();
    }
    Throttle t;
    auto block = [&](double wait_seconds) {
        t.blocked = true;
        auto wait = std::chrono::seconds(
            std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_seconds))));
        t.retry_after = std::max(t.retry_after, wait);
    };
    auto parse = [&](int column) { return std::stod(std::string(r->text(0, column))); };
    auto delay = pair_delay(r->integer(0, 0), s);
    if (delay.count() > 0 && parse(1) < static_cast<double>(delay.count())) {
        block(static_cast<double>(delay.count()) - parse(1));
    }
    if (r->integer(0, 2) >= 20LL * s.failures_per_account && parse(3) < 1.0) {
        block(1.0 - parse(3));
    }
    if (r->integer(0, 4) >= s.failures_per_address) {
        block(static_cast<double>(r->integer(0, 5)));
    }
    return t;
}

}  // namespace

Status check_email(std::string_view email) {
    auto at = email.find('@');
    if (email.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 >= email.size() ||
        email.find_first_of(" \t\r\n<>,;\"") != std::string_view::npos) {
        return make_error(ErrorCode::invalid_argument, "'{}' is not an e-mail address",
                          email.substr(0, 254));
    }
    return ok();
}

Expected<LoginOutcome> login(db::Connection& conn, const LoginRequest& req, const Settings& s) {
    LoginOutcome out;
    if (req.email.empty() || req.email.size() > 254 || req.password.size() > 1024) {
        out.kind = LoginOutcome::Kind::rejected;
        return out;
    }
    // Check, verify and record as one step per account: parallel guesses
    // queue here instead of all passing the check before any is recorded.
    auto tx = db::Transaction::begin(conn);
    if (!tx) {
        return std::move(tx).error();
    }
    if (auto l = conn.query("serializing logins of the account",
                            "SELECT pg_advisory_xact_lock(hashtextextended(lower($1), 7411))",
                            db::Params().text(req.email));
        !l) {
        return std::move(l).error();
    }
    auto throttle = check_throttle(conn, req, s);
    if (!throttle) {
        return std::move(throttle).error();
    }
    if (throttle->blocked) {
        out.kind = LoginOutcome::Kind::throttled;
        out.retry_after = throttle->retry_after;
        return out;
    }
    auto r = conn.query("looking up the user",
                        fmt::format("SELECT {}, u.password_hash FROM users u WHERE "
                                    "lower(u.email) = lower($1) AND u.disabled_at IS NULL",
                                    kUserColumns),
                        db::Params().text(req.email));
    if (!r) {
        return std::move(r).error();
    }
    bool found = r->rows() == 1;
    // Verify against a decoy when there is no such user, so timing does not
    // reveal which e-mail addresses have accounts.
    bool verified = verify_password(found ? r->text(0, 5) : decoy_hash(s.cost), req.password);
    bool succeeded = found && verified;
    if (auto a = conn.query("recording the login attempt",
                            "INSERT INTO login_attempts (email, address, succeeded) "
                            "VALUES ($1, $2, $3)",
                            db::Params().text(req.email).text(req.address).boolean(succeeded));
        !a) {
        return std::move(a).error();
    }
    if (!succeeded) {
        if (auto c = tx->commit(); !c) {
            return std::move(c).error();
        }
        out.kind = LoginOutcome::Kind::rejected;
        return out;
    }
    out.principal = principal_from(*r, 0);
    auto token = sites::generate_secret_token(kSessionPrefix);
    if (!token) {
        return std::move(token).error();
    }
    auto csrf = random_hex(32);
    if (!csrf) {
        return std::move(csrf).error();
    }
    out.principal.session_id = uuid_v7().to_string();
    out.principal.csrf_token = *csrf;
    auto ins = conn.query(
        "opening the session",
        "WITH s AS (INSERT INTO user_sessions (token_hash, session_id, user_id, tenant_id, "
        "csrf_token, expires_at, address, user_agent) VALUES ($1, $2::uuid, $3::uuid, "
        "$4::uuid, $5, now() + $6::interval, $7, $8)) "
        "UPDATE users SET last_login_at = now() WHERE user_id = $3::uuid",
        db::Params()
            .bytea(token->hash)
            .text(out.principal.session_id)
            .text(out.principal.user_id)
            .optional_text(out.principal.tenant_id)
            .text(*csrf)
            .text(interval(s.session_lifetime))
            .text(req.address)
            .text(req.user_agent.substr(0, 512)));
    if (!ins) {
        return std::move(ins).error();
    }
    if (auto c = tx->commit(); !c) {
        return std::move(c).error();
    }
    out.kind = LoginOutcome::Kind::ok;
    out.session_token = std::move(token->key);
    return out;
}

Expected<std::optional<Principal>> resolve_session(db::Connection& conn, std::string_view token,
                                                   const Settings& s) {
    if (!sites::is_well_formed_token(token, kSessionPrefix)) {
        return std::optional<Principal>();
    }
    // One statement: find the live session and refresh its idle timer (at most
    // every 15 s, so busy pages do not write on every request).
    auto r = conn.query(
        "resolving the session",
        fmt::format("WITH live AS (SELECT s.token_hash, s.session_id, s.csrf_token, "
                    "s.last_seen_at, s.user_id FROM user_sessions s WHERE s.token_hash = $1 AND "
                    "s.ended_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - "
                    "$2::interval), touched AS (UPDATE user_sessions t SET last_seen_at = now() "
                    "FROM live WHERE t.token_hash = live.token_hash AND live.last_seen_at < now() "
                    "- interval '15 seconds') SELECT {}, live.session_id, live.csrf_token FROM "
                    "live JOIN users u ON u.user_id = live.user_id WHERE u.disabled_at IS NULL",
                    kUserColumns),
        db::Params().bytea(sites::hash_site_key(token)).text(interval(s.session_idle)));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return std::optional<Principal>();
    }
    auto p = principal_from(*r, 0);
    p.session_id = r->text(0, 5);
    p.csrf_token = r->text(0, 6);
    return std::optional<Principal>(std::move(p));
}

Expected<std::optional<Principal>> resolve_api_token(db::Connection& conn, std::string_view token) {
    if (!sites::is_well_formed_token(token, kApiTokenPrefix)) {
        return std::optional<Principal>();
    }
    auto r = conn.query(
        "resolving the API token",
        fmt::format(
            "WITH t AS (UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1 "
            "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) "
            "RETURNING token_id, name, user_id, scopes) SELECT {}, t.token_id, t.name, {} FROM t "
            "JOIN users u ON u.user_id = t.user_id WHERE u.disabled_at IS NULL",
            kUserColumns, kScopeBits),
        db::Params().bytea(sites::hash_site_key(token)));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return std::optional<Principal>();
    }
    auto p = principal_from(*r, 0);
    p.via_token = true;
    p.token_id = r->text(0, 5);
    p.token_name = r->text(0, 6);
    p.scopes = static_cast<Scopes>(r->integer(0, 7));
    return std::optional<Principal>(std::move(p));
}

namespace {

// One UPDATE with one id parameter, as a Status.
Status update_by_id(db::Connection& conn, std::string_view what, std::string_view sql,
                    std::string_view id) {
    auto r = conn.query(what, sql, db::Params().text(id));
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

}  // namespace

Status end_session(db::Connection& conn, std::string_view session_id) {
    return update_by_id(conn, "ending the session",
                        "UPDATE user_sessions SET ended_at = now() WHERE session_id = $1::uuid "
                        "AND ended_at IS NULL",
                        session_id);
}

Status end_user_sessions(db::Connection& conn, std::string_view user_id) {
    return update_by_id(conn, "ending the user's sessions",
                        "UPDATE user_sessions SET ended_at = now() WHERE user_id = $1::uuid AND "
                        "ended_at IS NULL",
                        user_id);
}

Status revoke_user_tokens(db::Connection& conn, std::string_view user_id) {
    return update_by_id(conn, "revoking the user's API tokens",
                        "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1::uuid AND "
                        "revoked_at IS NULL",
                        user_id);
}

Expected<std::string> create_user(db::Connection& conn, const NewUser& user,
                                  const PasswordCost& cost) {
    if (auto s = check_email(user.email); !s) {
        return std::move(s).error();
    }
    if (!role_from(!user.tenant_id, user.role)) {
        return make_error(ErrorCode::invalid_argument, "role '{}' does not exist for {}; use {}",
                          user.role, user.tenant_id ? "tenant users" : "platform staff",
                          user.tenant_id ? "admin, analyst or viewer" : "operator or admin");
    }
    if (user.display_name.size() > 200) {
        return make_error(ErrorCode::invalid_argument,
                          "display_name is longer than 200 characters");
    }
    if (auto s = check_password_policy(user.password); !s) {
        return std::move(s).error();
    }
    auto hash = hash_password(user.password, cost);
    if (!hash) {
        return std::move(hash).error();
    }
    auto id = uuid_v7().to_string();
    auto r = conn.query(
        "creating the user",
        "INSERT INTO users (user_id, tenant_id, email, display_name, role, password_hash) "
        "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        db::Params()
            .text(id)
            .optional_text(user.tenant_id)
            .text(user.email)
            .text(user.display_name)
            .text(user.role)
            .text(*hash));
    if (!r) {
        return std::move(r).error();
    }
    if (r->affected() == 0) {
        // The same words whoever holds the address (this tenant, another one,
        // staff): the reply must not tell which.
        return make_error(ErrorCode::conflict,
                          "the e-mail address '{}' cannot be used for a new user; use another "
                          "address, or find the existing user in the user list",
                          user.email);
    }
    return id;
}

}  // namespace cs::relay::api::auth

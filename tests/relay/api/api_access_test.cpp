// Who may do what: every route against every role, tenant isolation enumerated
// from the OpenAPI document, CSRF, session expiry, API tokens and login
// throttling, against a real PostgreSQL.
#include <regex>
#include <set>

#include <fmt/format.h>

#include "relay/api/auth/principal.hpp"
#include "tests/relay/api/api_fixture.hpp"

namespace cs::relay::api::testing {
namespace {

struct Operation {
    std::string method;
    std::string path;
    std::set<std::string> roles;
};

std::vector<Operation> documented_operations() {
    auto doc = nlohmann::json::parse(openapi_document());
    std::vector<Operation> ops;
    for (const auto& [path, item] : doc["paths"].items()) {
        for (const auto& [method, op] : item.items()) {
            Operation o;
            o.method = method;
            for (auto& c : o.method) {
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            o.path = path;
            for (const auto& r : op["x-contractsync-roles"]) {
                o.roles.insert(r.get<std::string>());
            }
            ops.push_back(std::move(o));
        }
    }
    return ops;
}

// A body that passes validation for each mutation, so a refusal can only come
// from access control.
nlohmann::json body_for(const Operation& op, int n) {
    auto p = op.path;
    if (op.method == "POST" && p == "/api/v1/users") {
        return {{"email", fmt::format("new{}@example.test", n)},
                {"role", "viewer"},
                {"password", kPassword}};
    }
    if (p == "/api/v1/users/{user_id}") {
        return {{"display_name", "Renamed"}};
    }
    if (p == "/api/v1/tokens") {
        return {{"name", "t"}};
    }
    if (p == "/api/v1/tenants") {
        return {{"name", fmt::format("tenant-new-{}", n)}};
    }
    if (p == "/api/v1/settings") {
        return {{"lag_alert_seconds", 600}};
    }
    if (p == "/api/v1/sites") {
        return {{"name", fmt::format("site-new-{}", n)}};
    }
    if (p == "/api/v1/sites/{site_id}/commands") {
        return {{"command", "sync_now"}};
    }
    if (p == "/api/v1/auth/login") {
        return {{"email", "nobody@example.test"}, {"password", "x"}};
    }
    if (op.method == "POST" || op.method == "PATCH") {
        return nlohmann::json::object();
    }
    return nullptr;
}

class ApiAccessTest : public ApiFixture {
protected:
    // Fills the path's {params} with `t`'s resources; a user id is a fresh
    // viewer of `t` (so deleting it harms nothing else).
    std::string fill(const std::string& path, const TenantData& t, int n) {
        std::string out = path;
        auto put = [&](const std::string& name, const std::string& value) {
            auto pos = out.find("{" + name + "}");
            if (pos != std::string::npos) {
                out.replace(pos, name.size() + 2, value);
            }
        };
        if (out.find("{user_id}") != std::string::npos) {
            auto r = sql(fmt::format(
                "INSERT INTO users (user_id, tenant_id, email, role, password_hash) VALUES "
                "(gen_random_uuid(), '{}', 'victim{}-{}@example.test', 'viewer', 'x') RETURNING "
                "user_id",
                t.tenant_id, n, t.tenant_id.substr(0, 8)));
            put("user_id", std::string(r.text(0, 0)));
        }
        if (out.find("{token_id}") != std::string::npos) {
            auto r = sql(fmt::format(
                "INSERT INTO api_tokens (token_id, token_hash, token_prefix, user_id, tenant_id, "
                "name) VALUES (gen_random_uuid(), gen_random_uuid()::text::bytea, 'cs_tok_x', "
                "'{}', '{}', 'victim') RETURNING token_id",
                t.users.at("viewer"), t.tenant_id));
            put("token_id", std::string(r.text(0, 0)));
        }
        put("tenant_id", t.tenant_id);
        put("site_id", t.site_id);
        put("command_id", t.command_id);
        put("entity", "items");
        put("bk_hash", t.record_key);
        put("run_id", t.recon_run_id);
        put("exception_id", t.exception_id);
        put("mapping_id", t.mapping_id);
        put("file_id", t.file_id);
        put("vendor_id", "ACME");
        return out;
    }

    std::map<std::string, Session> sessions() {
        std::map<std::string, Session> s;
        s["staff:admin"] = login("admin@staff.test");
        s["staff:operator"] = login("operator@staff.test");
        s["tenant:admin"] = login(email("a", "admin"));
        s["tenant:analyst"] = login(email("a", "analyst"));
        s["tenant:viewer"] = login(email("a", "viewer"));
        return s;
    }

    // A fingerprint of everything tenant B owns, to prove nothing changed.
    std::string fingerprint_b() {
        std::string out;
        for (const char* table : {"tenants",
                                  "sites",
                                  "site_keys",
                                  "users",
                                  "api_tokens",
                                  "records",
                                  "sync_runs",
                                  "failed_rows",
                                  "commands",
                                  "alerts",
                                  "tenant_settings",
                                  "pending_children",
                                  "recon_runs",
                                  "recon_exceptions",
                                  "recon_exception_events",
                                  "recon_mappings",
                                  "recon_vendor_files",
                                  "recon_contract_lines",
                                  "recon_policies",
                                  "recon_vendors"}) {
            auto r =
                sql(fmt::format("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY "
                                "t::text), '')) FROM {} t WHERE tenant_id = '{}'",
                                table, b_.tenant_id));
            out += fmt::format("{}={} ", table, r.text(0, 0));
        }
        return out;
    }
};

TEST_F(ApiAccessTest, EveryRoleCanDoExactlyWhatTheDocumentSays) {
    auto s = sessions();
    int n = 0;
    for (const auto& op : documented_operations()) {
        if (op.roles.empty() || op.path == "/api/v1/auth/logout") {
            continue;  // open routes; logout ends the session under test
        }
        for (auto& [role, session] : s) {
            ++n;
            auto path = fill(op.path, a_, n);
            auto r = call(op.method, path, &session, body_for(op, n));
            bool allowed = op.roles.count(role) > 0;
            SCOPED_TRACE(fmt::format("{} as {} -> {} {}", op.method + " " + path, role, r.status,
                                     r.raw.substr(0, 300)));
            if (allowed) {
                EXPECT_NE(r.status, 403);
                EXPECT_NE(r.status, 401);
                EXPECT_LT(r.status, 500);
            } else {
                EXPECT_EQ(r.status, 403);
            }
        }
    }
    EXPECT_GT(n, 150);
}

TEST_F(ApiAccessTest, NoRouteLetsTenantAReadOrChangeTenantB) {
    Session admin_a = login(email("a", "admin"));
    // B's resources for every path first (fill() creates some), then the fingerprint.
    std::vector<std::pair<Operation, std::string>> targets;
    int n = 1000;
    for (const auto& op : documented_operations()) {
        if (!op.roles.empty() && op.path != "/api/v1/auth/logout") {
            targets.emplace_back(op, fill(op.path, b_, ++n));
        }
    }
    auto before = fingerprint_b();
    for (const auto& [op, path] : targets) {
        ++n;
        auto r = call(op.method, path, &admin_a, body_for(op, n));
        SCOPED_TRACE(
            fmt::format("{} {} -> {} {}", op.method, path, r.status, r.raw.substr(0, 300)));
        EXPECT_LT(r.status, 500);
        // Nothing of B in anything A gets back. A refusal may repeat the id A
        // asked for, so its detail is left out of the check.
        auto seen = r.raw;
        if (r.status >= 400 && r.body.is_object()) {
            auto body = r.body;
            body.erase("detail");
            seen = body.dump();
        }
        EXPECT_EQ(seen.find(b_.tenant_id), std::string::npos);
        EXPECT_EQ(seen.find(b_.site_id), std::string::npos);
        EXPECT_EQ(seen.find(b_.record_key), std::string::npos);
        EXPECT_EQ(r.raw.find("ITEM-b"), std::string::npos);
        EXPECT_EQ(r.raw.find("tenant-b"), std::string::npos);
        if (path.find(b_.site_id) != std::string::npos ||
            path.find(b_.tenant_id) != std::string::npos ||
            path.find(b_.command_id) != std::string::npos) {
            EXPECT_TRUE(r.status == 404 || r.status == 403) << "B's resource was reachable";
        }
        // Staff selecting a tenant is X-Tenant-Id; a tenant user sending it is ignored.
        Session spoof = admin_a;
        spoof.tenant_header = b_.tenant_id;
        if (op.method == "GET") {
            auto s2 = call(op.method, path, &spoof);
            EXPECT_TRUE(s2.status >= 400 || s2.raw.find(b_.site_id) == std::string::npos)
                << "X-Tenant-Id spoofing";
        }
    }
    EXPECT_EQ(fingerprint_b(), before) << "tenant B's data changed";
}

TEST_F(ApiAccessTest, RowLevelSecurityHidesOtherTenantsEvenWithoutAFilterInCode) {
    // Every table with tenant_id has RLS and both policies.
    auto missing = sql(
        "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND "
        "a.attname = 'tenant_id' WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace "
        "AND (NOT c.relrowsecurity OR (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid "
        "AND p.polname IN ('tenant_rows', 'staff_rows')) < 2) AND c.relname <> 'login_attempts'");
    for (int i = 0; i < missing.rows(); ++i) {
        ADD_FAILURE() << "table without tenant row-level security: " << missing.text(i, 0);
    }
    auto tables =
        sql("SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND "
            "a.attname = 'tenant_id' WHERE c.relkind = 'r' AND c.relnamespace = "
            "'public'::regnamespace");
    ASSERT_GT(tables.rows(), 15);
    sql(
        fmt::format("BEGIN; SET LOCAL ROLE contractsync_tenant; SELECT "
                    "set_config('contractsync.tenant_id', '{}', true)",
                    env_.claim_key.sign_for(a_.tenant_id)));
    for (int i = 0; i < tables.rows(); ++i) {
        std::string t(tables.text(i, 0));
        auto r = conn_->query("counting", fmt::format("SELECT count(*) FILTER (WHERE tenant_id = "
                                                      "'{}'), count(*) FILTER (WHERE tenant_id = "
                                                      "'{}') FROM {}",
                                                      b_.tenant_id, a_.tenant_id, t));
        ASSERT_TRUE(r) << t << ": " << r.error().message;
        EXPECT_EQ(r->integer(0, 0), 0) << t << " shows tenant B's rows to tenant A";
    }
    auto write = conn_->query("writing B", fmt::format("UPDATE sites SET name = 'stolen' WHERE "
                                                       "tenant_id = '{}' RETURNING 1",
                                                       b_.tenant_id));
    ASSERT_TRUE(write);
    EXPECT_EQ(write->rows(), 0);
    auto insert = conn_->query("inserting into B",
                               fmt::format("INSERT INTO audit_log (tenant_id, actor, action, "
                                           "entity_type) VALUES ('{}', 'x', 'y', 'z')",
                                           b_.tenant_id));
    EXPECT_FALSE(insert) << "row-level security let tenant A write tenant B's audit log";
    sql("ROLLBACK");
}

TEST_F(ApiAccessTest, MutationsWithASessionCookieNeedTheCsrfToken) {
    auto s = login(email("a", "admin"));
    Session no_csrf = s;
    no_csrf.csrf.clear();
    auto r = call("POST", "/api/v1/sites", &no_csrf, {{"name", "csrf-1"}});
    EXPECT_EQ(r.status, 403);
    EXPECT_NE(r.body["detail"].get<std::string>().find("CSRF"), std::string::npos);
    Session wrong = s;
    wrong.csrf = std::string(64, 'a');
    EXPECT_EQ(call("POST", "/api/v1/sites", &wrong, {{"name", "csrf-1"}}).status, 403);
    EXPECT_EQ(sql("SELECT count(*) FROM sites WHERE name = 'csrf-1'").integer(0, 0), 0);
    EXPECT_EQ(call("POST", "/api/v1/sites", &s, {{"name", "csrf-1"}}).status, 201);
    // Reads need no token.
    EXPECT_EQ(call("GET", "/api/v1/sites", &no_csrf).status, 200);
}

TEST_F(ApiAccessTest, SessionsEndOnLogoutIdleTimeoutAndLifetime) {
    auto s = login(email("a", "viewer"));
    EXPECT_EQ(call("GET", "/api/v1/auth/me", &s).status, 200);
    sql("UPDATE user_sessions SET last_seen_at = now() - interval '31 minutes'");
    auto r = call("GET", "/api/v1/auth/me", &s);
    EXPECT_EQ(r.status, 401);
    EXPECT_FALSE(r.header("WWW-Authenticate").empty());

    auto s2 = login(email("a", "viewer"));
    EXPECT_EQ(call("GET", "/api/v1/auth/me", &s2).status, 200);
    sql("UPDATE user_sessions SET expires_at = now() - interval '1 second'");
    EXPECT_EQ(call("GET", "/api/v1/auth/me", &s2).status, 401);

    auto s3 = login(email("a", "viewer"));
    auto out = call("POST", "/api/v1/auth/logout", &s3);
    EXPECT_EQ(out.status, 204);
    EXPECT_NE(out.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(call("GET", "/api/v1/auth/me", &s3).status, 401);
}

TEST_F(ApiAccessTest, LoginSetsAHardenedCookieAndStoresOnlyHashes) {
    auto r = call("POST", "/api/v1/auth/login", nullptr,
                  {{"email", email("a", "admin")}, {"password", kPassword}});
    ASSERT_EQ(r.status, 200);
    auto cookie = r.header("Set-Cookie");
    for (const char* attr : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"}) {
        EXPECT_NE(cookie.find(attr), std::string::npos) << attr << " missing: " << cookie;
    }
    auto token = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
    EXPECT_EQ(sql(fmt::format("SELECT count(*) FROM user_sessions WHERE token_hash::text LIKE "
                              "'%{}%'",
                              token))
                  .integer(0, 0),
              0);
    EXPECT_EQ(call("POST", "/api/v1/auth/login", nullptr,
                   {{"email", email("a", "admin")}, {"password", "wrong password!"}})
                  .status,
              401);
    EXPECT_EQ(call("POST", "/api/v1/auth/login", nullptr,
                   {{"email", "nobody@example.test"}, {"password", kPassword}})
                  .status,
              401);
}

TEST_F(ApiAccessTest, BruteForceLoginIsThrottledPerAccountAndPerAddress) {
    auto attempt = [&](const std::string& mail, const std::string& password,
                       const std::string& address) {
        return call("POST", "/api/v1/auth/login", nullptr,
                    {{"email", mail}, {"password", password}}, address);
    };
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(
            attempt(email("a", "analyst"), "guess number " + std::to_string(i), "10.1.1.1").status,
            401);
    }
    // Held back from that address now, even with the right password...
    auto locked = attempt(email("a", "analyst"), kPassword, "10.1.1.1");
    EXPECT_EQ(locked.status, 429);
    EXPECT_GT(std::stoi(locked.header("Retry-After")), 0);
    // ...while the rightful user elsewhere gets in (SecurityTest has more).
    EXPECT_EQ(attempt(email("a", "analyst"), kPassword, "10.1.1.2").status, 200);
    // Other accounts are unaffected.
    EXPECT_EQ(attempt(email("a", "viewer"), kPassword, "10.1.1.2").status, 200);

    // One address spraying many accounts is stopped too (30 failures).
    for (int i = 0; i < 30; ++i) {
        attempt(fmt::format("spray{}@example.test", i), "whatever pass", "10.9.9.9");
    }
    EXPECT_EQ(attempt(email("b", "viewer"), kPassword, "10.9.9.9").status, 429);
    EXPECT_EQ(attempt(email("b", "viewer"), kPassword, "10.9.9.8").status, 200);
}

TEST_F(ApiAccessTest, ApiTokensAreShownOnceWorkAsBearerAndStopWhenRevoked) {
    auto s = login(email("a", "analyst"));
    auto created =
        call("POST", "/api/v1/tokens", &s, {{"name", "ci export"}, {"scopes", {"read", "admin"}}});
    ASSERT_EQ(created.status, 201) << created.raw;
    EXPECT_EQ(created.body["scopes"], nlohmann::json::array({"read", "admin"}));
    std::string token = created.body["token"];
    EXPECT_EQ(token.rfind("cs_tok_", 0), 0u);
    Session bearer;
    bearer.token = token;
    auto me = call("GET", "/api/v1/auth/me", &bearer);
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.body["via"], "token");
    EXPECT_EQ(me.body["user"]["role"], "analyst");
    // Tokens need no CSRF header and keep the user's role.
    EXPECT_EQ(call("POST", "/api/v1/sites/" + a_.site_id + "/commands", &bearer,
                   {{"command", "sync_now"}})
                  .status,
              202);
    EXPECT_EQ(call("POST", "/api/v1/sites", &bearer, {{"name", "no"}}).status, 403);
    auto listed = call("GET", "/api/v1/tokens", &s);
    EXPECT_EQ(listed.raw.find(token), std::string::npos) << "the token is shown only once";
    EXPECT_EQ(
        call("DELETE", "/api/v1/tokens/" + created.body["token_id"].get<std::string>(), &s).status,
        204);
    EXPECT_EQ(call("GET", "/api/v1/auth/me", &bearer).status, 401);
}

TEST_F(ApiAccessTest, EveryMutationIsAuditedWithoutSecrets) {
    auto s = login(email("a", "admin"));
    auto site = call("POST", "/api/v1/sites", &s, {{"name", "audited"}});
    ASSERT_EQ(site.status, 201);
    std::string key = site.body["site_key"];
    auto user =
        call("POST", "/api/v1/users", &s,
             {{"email", "new.analyst@example.test"}, {"role", "analyst"}, {"password", kPassword}});
    ASSERT_EQ(user.status, 201);
    auto log = call("GET", "/api/v1/audit?entity_type=site", &s);
    ASSERT_EQ(log.status, 200);
    ASSERT_FALSE(log.body["items"].empty());
    auto entry = log.body["items"][0];
    EXPECT_EQ(entry["action"], "site.create");
    EXPECT_EQ(entry["actor"], email("a", "admin"));
    EXPECT_EQ(entry["actor_id"], a_.users["admin"]);
    EXPECT_EQ(entry["address"], "10.0.0.1");
    EXPECT_EQ(entry["user_agent"], "api-test/1");
    EXPECT_EQ(entry["tenant_id"], a_.tenant_id);
    auto all = sql("SELECT string_agg(t::text, '\n') FROM audit_log t");
    std::string dump(all.text(0, 0));
    EXPECT_EQ(dump.find(key), std::string::npos) << "a site key reached the audit log";
    EXPECT_EQ(dump.find(kPassword), std::string::npos) << "a password reached the audit log";
    EXPECT_NE(dump.find("user.create"), std::string::npos);
    EXPECT_NE(dump.find("auth.login"), std::string::npos);
    // A refused mutation leaves no trace but the refusal.
    auto viewer = login(email("a", "viewer"));
    EXPECT_EQ(call("POST", "/api/v1/sites", &viewer, {{"name", "nope"}}).status, 403);
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE after::text LIKE '%nope%'").integer(0, 0),
              0);
}

TEST_F(ApiAccessTest, ListsPageWithCursorsAndRejectForeignTokens) {
    auto s = login("admin@staff.test");
    s.tenant_header = a_.tenant_id;
    for (int i = 0; i < 6; ++i) {
        ASSERT_EQ(call("POST", "/api/v1/sites", &s, {{"name", fmt::format("page-{}", i)}}).status,
                  201);
    }
    std::set<std::string> seen;
    std::string token;
    int pages = 0;
    do {
        auto r = call(
            "GET", "/api/v1/sites?page_size=3" + (token.empty() ? "" : "&page_token=" + token), &s);
        ASSERT_EQ(r.status, 200) << r.raw;
        for (const auto& item : r.body["items"]) {
            EXPECT_TRUE(seen.insert(item["site_id"].get<std::string>()).second);
        }
        token = r.body["next_page_token"].is_null() ? "" : r.body["next_page_token"];
        ++pages;
    } while (!token.empty() && pages < 10);
    EXPECT_EQ(seen.size(), 7u);  // site-a + 6
    EXPECT_EQ(pages, 3);
    auto bad = call("GET", "/api/v1/sites?page_token=garbage!", &s);
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.header("Content-Type"), "");  // content type travels separately
    EXPECT_EQ(call("GET", "/api/v1/sites?page_size=0", &s).status, 400);
}

TEST_F(ApiAccessTest, StaffSeeTheFleetTroubleFirstAndTenantsCannot) {
    sql(
        fmt::format("UPDATE sites SET connected_at = now() - interval '1 hour', last_seen_at = "
                    "now() - interval '1 hour', online = false WHERE site_id = '{}'",
                    b_.site_id));
    sql(
        fmt::format("UPDATE sites SET connected_at = now(), last_seen_at = now(), online = true, "
                    "status = '{{\"outbox\": {{\"depth\": 2, \"oldest_age_seconds\": 5}}}}' WHERE "
                    "site_id = '{}'",
                    a_.site_id));
    auto op = login("operator@staff.test");
    auto fleet = call("GET", "/api/v1/fleet/sites", &op);
    ASSERT_EQ(fleet.status, 200) << fleet.raw;
    ASSERT_EQ(fleet.body["items"].size(), 2u);
    EXPECT_EQ(fleet.body["items"][0]["site_id"], b_.site_id);
    EXPECT_EQ(fleet.body["items"][0]["state"], "offline");
    EXPECT_EQ(fleet.body["items"][1]["state"], "ok");
    EXPECT_EQ(fleet.body["items"][1]["outbox_depth"], 2);
    auto summary = call("GET", "/api/v1/fleet/summary", &op);
    EXPECT_EQ(summary.body["online"], 1);
    EXPECT_EQ(summary.body["offline"], 1);
    EXPECT_EQ(summary.body["tenants"], 2);
    auto tenant = login(email("a", "admin"));
    EXPECT_EQ(call("GET", "/api/v1/fleet/sites", &tenant).status, 403);
    EXPECT_EQ(call("GET", "/api/v1/tenants", &tenant).status, 403);
}

}  // namespace
}  // namespace cs::relay::api::testing

// Findings of the relay's security review that live in the API itself: what
// a tenant user can learn about other tenants' accounts, and what the audit
// log shows to whom.
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/relay/api/api_fixture.hpp"

namespace cs::relay::api::testing {
namespace {

using SecurityTest = ApiFixture;

TEST_F(SecurityTest, CreatingAUserDoesNotTellWhoHoldsAnAddress) {
    auto admin = login(email("a", "admin"));
    auto attempt = [&](const std::string& address) {
        return call("POST", "/api/v1/users", &admin,
                    {{"email", address}, {"role", "analyst"}, {"password", kPassword}});
    };
    // Held in this tenant, in tenant B, by staff: the same reply but the address.
    auto own = attempt(email("a", "viewer"));
    auto other = attempt(email("b", "viewer"));
    auto staff = attempt("operator@staff.test");
    for (const auto* r : {&own, &other, &staff}) {
        EXPECT_EQ(r->status, 409) << r->raw;
    }
    auto shape = [](const Response& r, const std::string& address) {
        auto body = r.body;
        auto detail = body["detail"].get<std::string>();
        body["detail"] = detail.replace(detail.find(address), address.size(), "ADDRESS");
        return body.dump();
    };
    EXPECT_EQ(shape(own, email("a", "viewer")), shape(other, email("b", "viewer")));
    EXPECT_EQ(shape(other, email("b", "viewer")), shape(staff, "operator@staff.test"));
    EXPECT_EQ(other.raw.find("exists"), std::string::npos) << other.raw;
    EXPECT_EQ(attempt("fresh.person@example.test").status, 201);
}

TEST_F(SecurityTest, GuessingFromOneAddressSlowsDownWithoutLockingTheUserOut) {
    const auto admin = std::string("admin@staff.test");
    auto attempt = [&](const std::string& password, const std::string& address) {
        return call("POST", "/api/v1/auth/login", nullptr,
                    {{"email", admin}, {"password", password}}, address);
    };
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(attempt("wrong guess " + std::to_string(i), "203.0.113.9").status, 401);
    }
    auto held = attempt(kPassword, "203.0.113.9");
    EXPECT_EQ(held.status, 429);
    EXPECT_EQ(held.header("Retry-After"), "1");
    // The staff admin from their own address is not locked out.
    EXPECT_EQ(attempt(kPassword, "198.51.100.20").status, 200);
    // Each further failure from the guessing address doubles the wait.
    for (const char* expected : {"2", "4", "8"}) {
        sql("UPDATE login_attempts SET at = at - interval '20 seconds' WHERE address = "
            "'203.0.113.9'");
        EXPECT_EQ(attempt("another wrong guess", "203.0.113.9").status, 401);
        auto r = attempt(kPassword, "203.0.113.9");
        EXPECT_EQ(r.status, 429);
        EXPECT_EQ(r.header("Retry-After"), expected);
    }
}

TEST_F(SecurityTest, ParallelGuessesGetNoMoreVerificationsThanTheLimit) {
    const std::string target = email("b", "analyst");
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::map<int, int> statuses;
    for (int i = 0; i < 20; ++i) {
        threads.emplace_back([&, i] {
            auto r = call("POST", "/api/v1/auth/login", nullptr,
                          {{"email", target}, {"password", "parallel guess " + std::to_string(i)}},
                          "203.0.113.50");
            std::lock_guard lock(mutex);
            ++statuses[r.status];
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    auto verified = sql(fmt::format(
        "SELECT count(*) FROM login_attempts WHERE email = '{}' AND address = '203.0.113.50'",
        target));
    EXPECT_EQ(verified.integer(0, 0), 5) << "each recorded attempt was one password check";
    EXPECT_EQ(statuses[401], 5);
    EXPECT_EQ(statuses[429], 15);
}

TEST_F(SecurityTest, DatabaseErrorsStayInTheLogAndBadParametersAreNamed) {
    auto admin = login(email("a", "admin"));
    // A parameter the route checks itself: named, no database words.
    auto bad_time = call("GET", "/api/v1/audit?since=yesterday", &admin);
    EXPECT_EQ(bad_time.status, 400);
    EXPECT_NE(bad_time.raw.find("'since' must be an ISO 8601 time"), std::string::npos)
        << bad_time.raw;
    EXPECT_EQ(bad_time.raw.find("SQLSTATE"), std::string::npos) << bad_time.raw;
    // A value only PostgreSQL refuses: a generic reply with a reference.
    auto refused = Reply::from(
        make_error(ErrorCode::invalid_argument,
                   "reading the audit log: invalid input syntax for type timestamp with time "
                   "zone: \"2026-13-45\" [SQLSTATE 22007]"));
    EXPECT_EQ(refused.status, 400);
    auto detail = refused.body["detail"].get<std::string>();
    EXPECT_EQ(detail.find("SQLSTATE"), std::string::npos) << detail;
    EXPECT_EQ(detail.find("timestamp"), std::string::npos) << detail;
    EXPECT_NE(detail.find("reference "), std::string::npos) << detail;
    // The route's own 400s keep their words.
    auto own = Reply::from(make_error(ErrorCode::invalid_argument, "'q' is too long"));
    EXPECT_EQ(own.body["detail"], "'q' is too long");
}

TEST_F(SecurityTest, TokensCannotMintTokensAndDieWithAPasswordChangeOrADisable) {
    auto analyst = login(email("a", "analyst"));
    auto mint = [&](const Session& s) {
        auto r = call("POST", "/api/v1/tokens", &s, {{"name", "export"}});
        Session bearer;
        bearer.token = r.status == 201 ? r.body["token"].get<std::string>() : "";
        return std::pair(r.status, bearer);
    };
    auto [status, bearer] = mint(analyst);
    ASSERT_EQ(status, 201);
    // A token cannot make a successor for itself, expiring or not.
    auto minted = call("POST", "/api/v1/tokens", &bearer, {{"name", "forever"}});
    EXPECT_EQ(minted.status, 403) << minted.raw;
    EXPECT_EQ(call("GET", "/api/v1/auth/me", &bearer).status, 200);

    // An admin resets the password: the old tokens stop.
    auto admin = login(email("a", "admin"));
    const auto user = "/api/v1/users/" + a_.users.at("analyst");
    ASSERT_EQ(call("PATCH", user, &admin, {{"password", "a brand new passphrase 42"}}).status, 200);
    EXPECT_EQ(call("GET", "/api/v1/auth/me", &bearer).status, 401);

    // Disabled and enabled again: tokens from before stay dead.
    auto again =
        call("POST", "/api/v1/auth/login", nullptr,
             {{"email", email("a", "analyst")}, {"password", "a brand new passphrase 42"}});
    ASSERT_EQ(again.status, 200) << again.raw;
    Session fresh = login(email("a", "viewer"));
    auto [status2, viewer_token] = mint(fresh);
    ASSERT_EQ(status2, 201);
    const auto viewer = "/api/v1/users/" + a_.users.at("viewer");
    ASSERT_EQ(call("PATCH", viewer, &admin, {{"disabled", true}}).status, 200);
    ASSERT_EQ(call("PATCH", viewer, &admin, {{"disabled", false}}).status, 200);
    EXPECT_EQ(call("GET", "/api/v1/auth/me", &viewer_token).status, 401);
    auto revoked = sql(fmt::format(
        "SELECT count(*) FILTER (WHERE revoked_at IS NULL) FROM api_tokens WHERE user_id IN "
        "('{}', '{}')",
        a_.users.at("analyst"), a_.users.at("viewer")));
    EXPECT_EQ(revoked.integer(0, 0), 0);
}

TEST_F(SecurityTest, ATokenDoesOnlyWhatItsScopesAllow) {
    auto analyst = login(email("a", "analyst"));
    auto mint = [&](const nlohmann::json& extra) {
        nlohmann::json body = {{"name", "scoped"}};
        if (extra.is_object()) {
            body.update(extra);
        }
        return call("POST", "/api/v1/tokens", &analyst, body);
    };
    auto bearer = [](const Response& r) {
        Session s;
        s.token = r.body.value("token", "");
        return s;
    };
    // No scopes asked for: read only.
    auto plain = mint({});
    ASSERT_EQ(plain.status, 201) << plain.raw;
    EXPECT_EQ(plain.body["scopes"], nlohmann::json::array({"read"}));
    auto reader = bearer(plain);
    EXPECT_EQ(call("GET", "/api/v1/sites", &reader).status, 200);
    auto refused = call("POST", "/api/v1/sites/" + a_.site_id + "/commands", &reader,
                        {{"command", "sync_now"}});
    EXPECT_EQ(refused.status, 403) << refused.raw;
    EXPECT_NE(refused.raw.find("lacks the 'admin' scope"), std::string::npos) << refused.raw;
    EXPECT_EQ(call("POST", "/api/v1/recon/runs", &reader, nlohmann::json::object()).status, 403);

    // Reconciliation work, nothing else.
    auto recon = bearer(mint({{"scopes", {"recon:write"}}}));
    auto run = call("POST", "/api/v1/recon/runs", &recon, nlohmann::json::object());
    EXPECT_NE(run.status, 403) << run.raw;
    EXPECT_EQ(call("GET", "/api/v1/sites", &recon).status, 403);
    EXPECT_EQ(
        call("POST", "/api/v1/sites/" + a_.site_id + "/commands", &recon, {{"command", "sync_now"}})
            .status,
        403);
    // Scopes never add to the role: a viewer's admin-scoped token still cannot act.
    auto viewer = login(email("a", "viewer"));
    auto wide = call("POST", "/api/v1/tokens", &viewer,
                     {{"name", "wide"}, {"scopes", {"read", "recon:write", "admin"}}});
    ASSERT_EQ(wide.status, 201) << wide.raw;
    auto viewer_token = bearer(wide);
    EXPECT_EQ(call("POST", "/api/v1/sites/" + a_.site_id + "/commands", &viewer_token,
                   {{"command", "sync_now"}})
                  .status,
              403);
    EXPECT_EQ(mint({{"scopes", {"write"}}}).status, 400);
    EXPECT_EQ(mint({{"scopes", nlohmann::json::array()}}).status, 400);
}

TEST_F(SecurityTest, EveryTokenExpiresWithinTheTenantsLimit) {
    auto admin = login(email("a", "admin"));
    auto forever = call("POST", "/api/v1/tokens", &admin, {{"name", "no expiry asked"}});
    ASSERT_EQ(forever.status, 201) << forever.raw;
    ASSERT_TRUE(forever.body["expires_at"].is_string()) << forever.raw;
    auto days =
        sql(fmt::format("SELECT round(extract(epoch FROM expires_at - created_at) / 86400) "
                        "FROM api_tokens WHERE token_id = '{}'",
                        forever.body["token_id"].get<std::string>()));
    EXPECT_EQ(days.text(0, 0), "90");
    EXPECT_EQ(
        call("POST", "/api/v1/tokens", &admin, {{"name", "long"}, {"expires_in_days", 400}}).status,
        400)
        << "over the relay's maximum of 365 days";

    // The tenant admin shortens the limit: longer tokens are refused, the default shrinks.
    auto set = call("PATCH", "/api/v1/settings", &admin, {{"max_token_lifetime_days", 30}});
    ASSERT_EQ(set.status, 200) << set.raw;
    EXPECT_EQ(set.body["max_token_lifetime_days"], 30);
    auto too_long =
        call("POST", "/api/v1/tokens", &admin, {{"name", "long"}, {"expires_in_days", 31}});
    EXPECT_EQ(too_long.status, 400);
    EXPECT_NE(too_long.raw.find("from 1 to 30"), std::string::npos) << too_long.raw;
    auto capped = call("POST", "/api/v1/tokens", &admin, {{"name", "default"}});
    ASSERT_EQ(capped.status, 201);
    days =
        sql(fmt::format("SELECT round(extract(epoch FROM expires_at - created_at) / 86400) "
                        "FROM api_tokens WHERE token_id = '{}'",
                        capped.body["token_id"].get<std::string>()));
    EXPECT_EQ(days.text(0, 0), "30");
    // Tenant B keeps the relay's limit.
    auto b = login(email("b", "admin"));
    EXPECT_EQ(call("POST", "/api/v1/tokens", &b, {{"name", "b"}, {"expires_in_days", 200}}).status,
              201);
}

TEST_F(SecurityTest, TheAuditLogHoldsNoWebhookSecretAndShowsAddressesToAdminsOnly) {
    auto admin = login(email("a", "admin"), "198.51.100.7");
    const std::string secret = "T0-hook-credential-9f3a";
    for (const std::string& url : {"https://hooks.example.test/services/" + secret,
                                   "https://user:" + secret + "@hooks.example.test/x",
                                   "https://hooks.example.test/notify?token=" + secret}) {
        auto r = call("PATCH", "/api/v1/settings", &admin, {{"alert_webhook_url", url}});
        ASSERT_EQ(r.status, 200) << r.raw;
    }
    auto stored =
        sql(fmt::format("SELECT coalesce(string_agg(before::text || after::text, ' '), "
                        "'') FROM audit_log WHERE tenant_id = '{}'",
                        a_.tenant_id));
    EXPECT_EQ(std::string(stored.text(0, 0)).find(secret), std::string::npos) << stored.text(0, 0);

    auto analyst = login(email("a", "analyst"));
    auto seen = call("GET", "/api/v1/audit?action=settings", &analyst);
    ASSERT_EQ(seen.status, 200) << seen.raw;
    ASSERT_EQ(seen.body["items"].size(), 3u) << seen.raw;
    EXPECT_EQ(seen.raw.find(secret), std::string::npos) << seen.raw;
    EXPECT_EQ(seen.body["items"][0]["after"]["alert_webhook_url"],
              "https://hooks.example.test/[redacted]");
    EXPECT_TRUE(seen.body["items"][0]["address"].is_null());
    EXPECT_TRUE(seen.body["items"][0]["user_agent"].is_null());

    auto logins = call("GET", "/api/v1/audit?action=auth.login", &admin);
    ASSERT_EQ(logins.status, 200) << logins.raw;
    bool found = false;
    for (const auto& item : logins.body["items"]) {
        found = found || item["address"] == "198.51.100.7";
    }
    EXPECT_TRUE(found) << "admins see where people sign in from: " << logins.raw;
    auto hidden = call("GET", "/api/v1/audit?action=auth.login", &analyst);
    for (const auto& item : hidden.body["items"]) {
        EXPECT_TRUE(item["address"].is_null()) << hidden.raw;
    }
}

TEST_F(SecurityTest, FailedSignInsAreAuditedUnderTheAccountTheyTriedAndNeverKeepWhatWasTyped) {
    auto attempt = [&](const std::string& who, const std::string& password) {
        return call("POST", "/api/v1/auth/login", nullptr, {{"email", who}, {"password", password}},
                    "192.0.2.44");
    };
    EXPECT_EQ(attempt(email("a", "analyst"), "not the password").status, 401);
    // Someone types their password into the e-mail field: refused alike.
    const std::string typed = "Hunter2-typed-in-the-wrong-box@x";
    EXPECT_EQ(attempt(typed, "whatever").status, 401);
    EXPECT_EQ(attempt(email("b", "viewer"), "not the password").status, 401);

    auto admin = login(email("a", "admin"));
    auto seen = call("GET", "/api/v1/audit?action=auth.login.failed", &admin);
    ASSERT_EQ(seen.status, 200) << seen.raw;
    ASSERT_EQ(seen.body["items"].size(), 1u) << "tenant A's admin sees attempts on tenant A's "
                                                "accounts only: "
                                             << seen.raw;
    const auto& entry = seen.body["items"][0];
    EXPECT_EQ(entry["actor"], email("a", "analyst"));
    EXPECT_EQ(entry["actor_id"], a_.users["analyst"]);
    EXPECT_EQ(entry["entity_id"], a_.users["analyst"]);
    EXPECT_EQ(entry["entity_name"], email("a", "analyst"));
    EXPECT_EQ(entry["after"]["reason"], "wrong password");
    EXPECT_EQ(entry["address"], "192.0.2.44");
    // "auth.login" lists sign-ins and failed ones together.
    auto both = call("GET", "/api/v1/audit?action=auth.login", &admin);
    std::set<std::string> actions;
    for (const auto& item : both.body["items"]) {
        actions.insert(item["action"].get<std::string>());
    }
    EXPECT_EQ(actions, (std::set<std::string>{"auth.login", "auth.login.failed"})) << both.raw;

    auto staff = login("admin@staff.test");
    auto all = call("GET", "/api/v1/audit?action=auth.login.failed", &staff);
    ASSERT_EQ(all.status, 200) << all.raw;
    ASSERT_EQ(all.body["items"].size(), 3u) << all.raw;
    EXPECT_EQ(all.body["items"][1]["actor"], "unknown e-mail address");
    EXPECT_TRUE(all.body["items"][1]["tenant_id"].is_null());
    EXPECT_EQ(all.body["items"][1]["after"]["reason"], "no account has this e-mail address");
    EXPECT_EQ(all.body["items"][0]["tenant_name"], "tenant-b") << all.raw;
    auto stored = sql("SELECT string_agg(t::text, ' ') FROM audit_log t");
    EXPECT_EQ(std::string(stored.text(0, 0)).find("Hunter2"), std::string::npos)
        << "what was typed into the e-mail field reached the audit log";

    sql(fmt::format("UPDATE users SET disabled_at = now() WHERE user_id = '{}'",
                    a_.users["viewer"]));
    EXPECT_EQ(attempt(email("a", "viewer"), kPassword).status, 401);
    auto disabled = call("GET", "/api/v1/audit?action=auth.login.failed", &admin);
    ASSERT_EQ(disabled.body["items"].size(), 2u) << disabled.raw;
    EXPECT_EQ(disabled.body["items"][0]["after"]["reason"], "the account is disabled");
}

TEST_F(SecurityTest, TheAuditLogNamesWhatEachEntryIsAbout) {
    auto admin = login(email("a", "admin"));
    auto site = call("POST", "/api/v1/sites", &admin, {{"name", "Cleveland DC"}});
    ASSERT_EQ(site.status, 201) << site.raw;
    auto user =
        call("POST", "/api/v1/users", &admin,
             {{"email", "leaving@example.test"}, {"role", "viewer"}, {"password", kPassword}});
    ASSERT_EQ(user.status, 201) << user.raw;
    auto user_id = user.body["user_id"].get<std::string>();
    ASSERT_EQ(call("DELETE", "/api/v1/users/" + user_id, &admin).status, 204);
    auto command = call("POST", "/api/v1/sites/" + a_.site_id + "/commands", &admin,
                        {{"command", "sync_now"}});
    ASSERT_EQ(command.status / 100, 2) << command.raw;

    auto log = call("GET", "/api/v1/audit", &admin);
    ASSERT_EQ(log.status, 200) << log.raw;
    std::map<std::string, std::string> names;
    for (const auto& item : log.body["items"]) {
        names.emplace(
            item["action"].get<std::string>(),
            item["entity_name"].is_string() ? item["entity_name"].get<std::string>() : "(none)");
    }
    EXPECT_EQ(names["site.create"], "Cleveland DC");
    EXPECT_EQ(names["user.create"], "leaving@example.test");
    EXPECT_EQ(names["user.delete"], "leaving@example.test") << "a deleted user keeps its name";
    EXPECT_EQ(names["auth.login"], email("a", "admin"));
    EXPECT_NE(names["site.command"].find("sync now on "), std::string::npos)
        << names["site.command"];
}

}  // namespace
}  // namespace cs::relay::api::testing

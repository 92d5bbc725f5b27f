#include "relay/db/login_roles.hpp"

#include <atomic>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "relay/db/tenant_claim.hpp"
#include "relay/sites/sites.hpp"
#include "tests/relay/support/pg_test_database.hpp"

// The second wall of tenant isolation (docs/security.md, "Row-level
// security"): SQL injected into an API request — RESET ROLE, SET ROLE, a new
// tenant setting — must not reach another tenant's rows, the owner, or staff.
namespace cs::relay::db {
namespace {

using testing::PgTestDatabase;

constexpr const char* kOwner = "cs_test_owner";

class LoginRolesTest : public ::testing::Test {
protected:
    void SetUp() override {
        CS_REQUIRE_PG();
        db_ = std::make_unique<PgTestDatabase>(std::nullopt, kOwner);
        owner_ = db_->connect();
        for (auto* t : {&a_, &b_}) {
            auto tenant = sites::create_tenant(*owner_, t == &a_ ? "tenant-a" : "tenant-b").value();
            *t = tenant.tenant_id;
            sites::create_site(*owner_, *t, "site").value();
        }
        // A row in a table of every kind of path: agent data, events, audit.
        owner_sql(fmt::format(
            "INSERT INTO records (tenant_id, site_id, entity, bk_hash, data, data_hash, "
            "last_sequence) SELECT tenant_id, site_id, 'item', '\\x01', '{{}}', '\\x02', 1 FROM "
            "sites; INSERT INTO relay_events (tenant_id, kind, severity, message) SELECT "
            "tenant_id, 'x', 'info', 'm' FROM tenants; INSERT INTO audit_log (tenant_id, actor, "
            "action, entity_type) SELECT tenant_id, 'a', 'b', 'c' FROM tenants"));
        key_ = TenantClaimKey::load(*owner_).value();
        auto tables = owner_->query("listing", R"(
            SELECT c.relname FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity
            ORDER BY 1)");
        for (int i = 0; i < tables->rows(); ++i) {
            rls_tables_.emplace_back(tables->text(i, 0));
        }
        ASSERT_GT(rls_tables_.size(), 20u);
    }

    void TearDown() override {
        for (const auto& role : extra_roles_) {
            (void)owner_->exec("dropping a test role", "DROP ROLE IF EXISTS " + role);
        }
    }

    void owner_sql(const std::string& statement) {
        auto r = owner_->exec("test setup", statement);
        ASSERT_TRUE(r) << statement << ": " << (r ? "" : r.error().message);
    }

    // A connection of the tenant login role inside tenant A's request scope,
    // exactly as the relay's dispatcher enters it.
    std::unique_ptr<Connection> tenant_scope() {
        auto conn = db_->connect_as(std::string(api_login(ApiScope::tenant).default_user));
        EXPECT_TRUE(conn->exec("begin", "BEGIN"));
        auto r = conn->query("entering the scope",
                             "SELECT set_config('role', 'contractsync_tenant', true), "
                             "set_config('contractsync.tenant_id', $1, true)",
                             Params().text(key_.sign_for(a_)));
        EXPECT_TRUE(r) << r.error().message;
        return conn;
    }

    // Runs `sql` in a savepoint: true when it succeeded, the transaction
    // usable either way.
    static bool attempt(Connection& conn, const std::string& sql) {
        EXPECT_TRUE(conn.exec("savepoint", "SAVEPOINT attempt"));
        auto r = conn.exec("attempt", sql);
        EXPECT_TRUE(conn.exec("savepoint",
                              r ? "RELEASE SAVEPOINT attempt" : "ROLLBACK TO SAVEPOINT attempt"));
        return static_cast<bool>(r);
    }

    // Every row-level security table on which `conn`, as it stands, can see a
    // row of tenant B; a table it may not read at all shows nothing.
    std::vector<std::string> tables_showing_b(Connection& conn) {
        std::vector<std::string> leaks;
        for (const auto& t : rls_tables_) {
            EXPECT_TRUE(conn.exec("savepoint", "SAVEPOINT probe"));
            auto r = conn.exec("probing", fmt::format("SELECT count(*) FROM {} WHERE tenant_id = "
                                                      "'{}'",
                                                      t, b_));
            if (r && r->integer(0, 0) > 0) {
                leaks.push_back(t);
            }
            EXPECT_TRUE(conn.exec("savepoint",
                                  r ? "RELEASE SAVEPOINT probe" : "ROLLBACK TO SAVEPOINT probe"));
        }
        return leaks;
    }

    std::int64_t count(Connection& conn, const std::string& sql) {
        auto r = conn.exec("counting", sql);
        EXPECT_TRUE(r) << sql << ": " << (r ? "" : r.error().message);
        return r ? r->integer(0, 0) : -1;
    }

    std::string unique_role(std::string_view stem) {
        static std::atomic<int> n{0};
        auto name = fmt::format("cs_test_{}_{}_{}", stem, ::getpid(), n++);
        extra_roles_.push_back(name);
        return name;
    }

    std::unique_ptr<PgTestDatabase> db_;
    std::unique_ptr<Connection> owner_;
    TenantClaimKey key_;
    std::string a_;
    std::string b_;
    std::vector<std::string> rls_tables_;
    std::vector<std::string> extra_roles_;
};

TEST_F(LoginRolesTest, ATenantRequestSeesItsOwnTenantOnly) {
    auto conn = tenant_scope();
    EXPECT_EQ(count(*conn, "SELECT count(*) FROM sites"), 1);
    EXPECT_EQ(count(*conn, fmt::format("SELECT count(*) FROM sites WHERE tenant_id = '{}'", a_)),
              1);
    EXPECT_EQ(tables_showing_b(*conn), std::vector<std::string>{});
}

TEST_F(LoginRolesTest, ATenantRequestCannotBecomeStaffOrTheOwner) {
    auto conn = tenant_scope();
    for (const std::string& escape : std::vector<std::string>{
             "SET ROLE contractsync_staff", "SET LOCAL ROLE contractsync_staff",
             "SELECT set_config('role', 'contractsync_staff', false)",
             fmt::format("SET ROLE {}", kOwner),
             fmt::format("SET SESSION AUTHORIZATION {}", kOwner), "SET ROLE postgres"}) {
        EXPECT_FALSE(attempt(*conn, escape)) << escape << " succeeded";
        EXPECT_EQ(tables_showing_b(*conn), std::vector<std::string>{}) << "after " << escape;
    }
    // RESET ROLE succeeds, but lands on the login role, which holds no
    // privileges of its own (NOINHERIT).
    for (std::string reset : {"RESET ROLE", "SET ROLE NONE", "RESET ALL"}) {
        ASSERT_TRUE(attempt(*conn, reset)) << reset;
        EXPECT_EQ(count(*conn,
                        "SELECT count(*) FROM pg_roles WHERE rolname = current_user AND "
                        "rolname = 'contractsync_api_tenant'"),
                  1)
            << "after " << reset;
        EXPECT_EQ(tables_showing_b(*conn), std::vector<std::string>{}) << "after " << reset;
        EXPECT_FALSE(attempt(*conn, "SELECT count(*) FROM sites")) << "after " << reset;
        EXPECT_FALSE(attempt(*conn, "SET ROLE contractsync_staff")) << "after " << reset;
    }
}

TEST_F(LoginRolesTest, AStaffRequestCannotBecomeTheOwner) {
    auto conn = db_->connect_as(std::string(api_login(ApiScope::staff).default_user));
    ASSERT_TRUE(conn->exec("scope", "BEGIN; SET LOCAL ROLE contractsync_staff"));
    EXPECT_EQ(count(*conn, "SELECT count(*) FROM sites"), 2);  // staff: every tenant
    EXPECT_FALSE(attempt(*conn, fmt::format("SET ROLE {}", kOwner)));
    EXPECT_FALSE(attempt(*conn, "SELECT secret FROM relay_secrets"));
    ASSERT_TRUE(conn->exec("reset", "RESET ROLE"));
    EXPECT_FALSE(attempt(*conn, "SELECT count(*) FROM sites"));
}

TEST_F(LoginRolesTest, AnInjectedTenantSettingNamesNoOtherTenant) {
    auto conn = tenant_scope();
    auto claim_a = key_.sign_for(a_);
    auto forged_key = TenantClaimKey(std::string(32, 'k'));
    std::vector<std::string> injected{
        b_,                              // the bare tenant id, as before
        b_ + claim_a.substr(a_.size()),  // A's expiry and signature
        forged_key.sign_for(b_),         // signed with another key
        key_.sign(b_, std::chrono::system_clock::now() - std::chrono::minutes(1)),  // expired
        claim_a + "0",  // not the format
        "",             // no tenant at all
    };
    for (const auto& value : injected) {
        SCOPED_TRACE(value);
        ASSERT_TRUE(conn->query("injecting",
                                "SELECT set_config('contractsync.tenant_id', $1, true)",
                                Params().text(value)));
        EXPECT_EQ(tables_showing_b(*conn), std::vector<std::string>{});
        // Writing into B is refused too.
        EXPECT_FALSE(attempt(*conn, fmt::format("INSERT INTO audit_log (tenant_id, actor, action, "
                                                "entity_type) VALUES ('{}', 'x', 'y', 'z')",
                                                b_)));
    }
    // The check: a claim the relay signs for B does show B, so the database's
    // HMAC agrees with the relay's and the refusals above are the signature's.
    ASSERT_TRUE(conn->query("signed", "SELECT set_config('contractsync.tenant_id', $1, true)",
                            Params().text(key_.sign_for(b_))));
    EXPECT_EQ(count(*conn, fmt::format("SELECT count(*) FROM sites WHERE tenant_id = '{}'", b_)),
              1);
}

TEST_F(LoginRolesTest, TheApiRolesCannotReadOrReplaceTheClaimKey) {
    for (auto scope : {ApiScope::tenant, ApiScope::staff}) {
        auto conn = db_->connect_as(std::string(api_login(scope).default_user));
        ASSERT_TRUE(
            conn->exec("begin", fmt::format("BEGIN; SET LOCAL ROLE {}", api_login(scope).group)));
        EXPECT_FALSE(attempt(*conn, "SELECT secret FROM relay_secrets"));
        EXPECT_FALSE(attempt(*conn, "SELECT cs_rotate_tenant_claim_key()"));
        EXPECT_FALSE(attempt(*conn, "UPDATE relay_secrets SET secret = '\\x00'"));
    }
}

TEST_F(LoginRolesTest, TheRelayAcceptsOnlyApiRolesThatCannotEscape) {
    auto tenant = db_->connect_as(std::string(api_login(ApiScope::tenant).default_user));
    auto staff = db_->connect_as(std::string(api_login(ApiScope::staff).default_user));
    EXPECT_TRUE(check_api_login(*tenant, ApiScope::tenant));
    EXPECT_TRUE(check_api_login(*staff, ApiScope::staff));

    auto owner = check_api_login(*owner_, ApiScope::tenant);
    ASSERT_FALSE(owner);
    EXPECT_NE(owner.error().message.find("schema owner"), std::string::npos)
        << owner.error().message;
    auto wrong_group = check_api_login(*tenant, ApiScope::staff);
    ASSERT_FALSE(wrong_group);
    EXPECT_NE(wrong_group.error().message.find("not a member of contractsync_staff"),
              std::string::npos)
        << wrong_group.error().message;

    // A role that could become staff, and one with a path to the owner.
    auto both = unique_role("both");
    owner_sql(
        fmt::format("CREATE ROLE {0} LOGIN; GRANT contractsync_tenant, contractsync_staff "
                    "TO {0}",
                    both));
    auto both_conn = db_->connect_as(both);
    auto can_staff = check_api_login(*both_conn, ApiScope::tenant);
    ASSERT_FALSE(can_staff);
    EXPECT_NE(can_staff.error().message.find("can become contractsync_staff"), std::string::npos)
        << can_staff.error().message;

    auto via_owner = unique_role("via_owner");
    owner_sql(
        fmt::format("CREATE ROLE {0} LOGIN NOINHERIT; GRANT contractsync_tenant TO {0}; "
                    "GRANT {1} TO {0}",
                    via_owner, kOwner));
    auto owner_path = check_api_login(*db_->connect_as(via_owner), ApiScope::tenant);
    ASSERT_FALSE(owner_path);
    EXPECT_NE(owner_path.error().message.find(kOwner), std::string::npos)
        << owner_path.error().message;
}

TEST_F(LoginRolesTest, ForcedTablesHideRowsFromOwnerCodeRunningForAnApiSession) {
    // Every table with row-level security binds the owner, except the two the
    // agent's bulk apply fills with COPY FROM.
    auto unforced = owner_->exec("listing", R"(
        SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relrowsecurity
          AND NOT relforcerowsecurity)");
    ASSERT_TRUE(unforced);
    EXPECT_EQ(unforced->text(0, 0), "change_log,records");

    // Owner code a later change might add carelessly: it runs as the owner.
    owner_sql(
        "CREATE FUNCTION cs_test_count_sites() RETURNS bigint LANGUAGE sql SECURITY DEFINER "
        "AS 'SELECT count(*) FROM public.sites'; "
        "CREATE VIEW cs_test_all_sites AS SELECT * FROM sites; "
        "GRANT SELECT ON cs_test_all_sites TO contractsync_tenant");
    EXPECT_EQ(count(*owner_, "SELECT cs_test_count_sites()"), 2) << "the owner's own login";
    EXPECT_EQ(count(*owner_, "SELECT count(*) FROM cs_test_all_sites"), 2);
    // For a tenant session the owner's code sees the session's tenant only:
    // owner_rows and staff_rows admit no API session, and the owner's
    // membership in contractsync_tenant brings tenant_rows with the claim.
    auto conn = tenant_scope();
    EXPECT_EQ(count(*conn, "SELECT cs_test_count_sites()"), 1);
    EXPECT_EQ(count(*conn, "SELECT count(*) FROM cs_test_all_sites"), 1);
    EXPECT_EQ(count(*conn, fmt::format("SELECT count(*) FROM cs_test_all_sites WHERE tenant_id = "
                                       "'{}'",
                                       b_)),
              0);
}

TEST_F(LoginRolesTest, EveryTenantPolicyVerifiesTheClaimOncePerStatement) {
    // A later migration's table must follow suit: per-row verification would
    // cost a hash pair per row.
    auto odd = owner_->exec("listing", R"(
        SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity
          AND (NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid
                             AND p.polname = 'tenant_rows'
                             AND pg_get_expr(p.polqual, p.polrelid)
                                 = '(tenant_id = ( SELECT cs_current_tenant() AS cs_current_tenant))')
               OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid
                                AND p.polname = 'staff_rows'
                                AND pg_get_expr(p.polqual, p.polrelid) LIKE
                                    '( SELECT pg_has_role(SESSION_USER, %')
               OR (c.relforcerowsecurity AND NOT EXISTS (
                     SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid
                       AND p.polname = 'owner_rows'))))");
    ASSERT_TRUE(odd);
    EXPECT_EQ(odd->text(0, 0), "");
}

TEST_F(LoginRolesTest, PasswordsAreStoredAsScramVerifiersOnly) {
    auto role = unique_role("pw");
    owner_sql(fmt::format("CREATE ROLE {} LOGIN", role));
    const std::string password = "it's a s3cret; DROP TABLE sites";
    ASSERT_TRUE(set_login_password(*owner_, role, password));
    auto super = Connection::open({.dsn = *PgTestDatabase::base_dsn()}).value();
    auto stored =
        super->query("reading the verifier", "SELECT rolpassword FROM pg_authid WHERE rolname = $1",
                     Params().text(role));
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->rows(), 1);
    std::string verifier(stored->text(0, 0));
    EXPECT_EQ(verifier.rfind("SCRAM-SHA-256$", 0), 0u) << verifier;
    EXPECT_EQ(verifier.find("s3cret"), std::string::npos);
    EXPECT_EQ(count(*owner_, "SELECT count(*) FROM sites"), 2) << "nothing else ran";
}

}  // namespace
}  // namespace cs::relay::db

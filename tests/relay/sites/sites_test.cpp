#include "relay/sites/sites.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include "relay/sites/site_key.hpp"
#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"

namespace cs::relay::sites {
namespace {

using testing::PgTestDatabase;

TEST(SitesTest, CreatedSiteKeyAuthenticatesAndOnlyItsHashIsStored) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    auto issued = db.create_site("main");
    auto conn = db.connect();
    auto who = authenticate(*conn, issued.key);
    ASSERT_TRUE(who) << who.error().message;
    EXPECT_EQ(who->site_id, issued.site.site_id);
    EXPECT_EQ(who->tenant_id, issued.site.tenant_id);
    EXPECT_EQ(who->key_id, issued.key_id);
    // No column anywhere in site_keys holds the key itself.
    EXPECT_EQ(
        testing::scalar(*conn, "SELECT count(*) FROM site_keys WHERE key_prefix = '" + issued.key +
                                   "' OR encode(key_hash, 'escape') = '" + issued.key + "'"),
        "0");
    EXPECT_EQ(testing::scalar(*conn, "SELECT key_prefix FROM site_keys"), issued.display);
}

TEST(SitesTest, UnknownAndMalformedKeysAreUnauthorized) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    db.create_site("main");
    auto conn = db.connect();
    auto unknown = authenticate(*conn, generate_site_key()->key);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::unauthorized);
    EXPECT_EQ(unknown.error().message, "unknown site key");
    EXPECT_EQ(authenticate(*conn, "cs_site_x").error().code, ErrorCode::unauthorized);
}

TEST(SitesTest, RotationRevokesTheOldKeyAndAnnouncesIt) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    auto issued = db.create_site("main");
    auto listener = db.connect();
    ASSERT_TRUE(listener->exec("listen", std::string("LISTEN ") + std::string(kKeyChangedChannel)));
    auto conn = db.connect();
    auto rotated = rotate_site_key(*conn, issued.site.site_id);
    ASSERT_TRUE(rotated) << rotated.error().message;
    EXPECT_NE(rotated->key, issued.key);
    auto old = authenticate(*conn, issued.key);
    ASSERT_FALSE(old);
    EXPECT_EQ(old.error().message, "the site key has been revoked or rotated");
    EXPECT_TRUE(authenticate(*conn, rotated->key));
    auto active = active_key_ids(*conn, issued.site.tenant_id, issued.site.site_id);
    ASSERT_TRUE(active);
    EXPECT_EQ(*active, std::vector<std::string>{rotated->key_id});

    pollfd fd{listener->socket(), POLLIN, 0};
    ASSERT_GT(::poll(&fd, 1, 5000), 0) << "no notification";
    PQconsumeInput(listener->native());
    PGnotify* n = PQnotifies(listener->native());
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(std::string(n->extra), issued.site.site_id);
    PQfreemem(n);
}

TEST(SitesTest, RevokedSiteCannotAuthenticateOrRotate) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    auto issued = db.create_site("main");
    auto conn = db.connect();
    ASSERT_TRUE(revoke_site(*conn, issued.site.site_id));
    auto who = authenticate(*conn, issued.key);
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error().code, ErrorCode::unauthorized);
    EXPECT_EQ(who.error().message, "the site has been revoked");
    auto rotated = rotate_site_key(*conn, issued.site.site_id);
    ASSERT_FALSE(rotated);
    EXPECT_NE(rotated.error().message.find("is revoked"), std::string::npos);
    EXPECT_TRUE(active_key_ids(*conn, issued.site.tenant_id, issued.site.site_id)->empty());
}

TEST(SitesTest, NamesAreUniqueAndTenantsAreFoundByIdOrName) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    auto conn = db.connect();
    auto t = create_tenant(*conn, "acme");
    ASSERT_TRUE(t);
    EXPECT_EQ(create_tenant(*conn, "acme").error().code, ErrorCode::conflict);
    EXPECT_TRUE(create_site(*conn, "acme", "plant-1"));
    EXPECT_TRUE(create_site(*conn, t->tenant_id, "plant-2"));
    auto again = create_site(*conn, "acme", "plant-1");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::conflict);
    EXPECT_EQ(create_site(*conn, "nobody", "x").error().code, ErrorCode::not_found);
    EXPECT_EQ(create_tenant(*conn, "").error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(rotate_site_key(*conn, "not-a-uuid").error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace cs::relay::sites

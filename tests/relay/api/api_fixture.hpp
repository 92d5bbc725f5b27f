#pragma once

// An API over a fresh migrated database, called in-process through the
// dispatcher (the same code the TLS server runs), with two tenants, a user of
// every role and a little data in each tenant.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/crypto/sealing_key.hpp"
#include "relay/api/api.hpp"
#include "relay/api/core/dispatcher.hpp"
#include "relay/db/pool.hpp"
#include "relay/storage/local_blob_store.hpp"
#include "tests/relay/support/pg_test_database.hpp"

namespace cs::relay::api::testing {

struct Session {
    std::string cookie;  // "cs_session=..."
    std::string csrf;
    std::string token;          // bearer API token instead of a cookie when set
    std::string tenant_header;  // X-Tenant-Id for staff
};

struct Response {
    int status = 0;
    nlohmann::json body;
    std::string raw;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string header(std::string_view name) const;
};

struct TenantData {
    std::string tenant_id;
    std::string site_id;
    std::string site_key;
    std::map<std::string, std::string> users;  // role -> user_id
    std::string command_id;
    std::string record_key;  // bk_hash hex
    // Reconciliation: a run, an exception, a mapping and an uploaded file.
    std::string recon_run_id;
    std::string exception_id;
    std::string mapping_id;
    std::string file_id;
};

inline constexpr const char* kPassword = "correct horse battery staple";

class ApiFixture : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    Response call(const std::string& method, const std::string& target, const Session* session,
                  const nlohmann::json& body = nullptr, const std::string& address = "10.0.0.1");
    // Logs in; fails the test when it does not succeed.
    Session login(const std::string& email, const std::string& address = "10.0.0.1");
    std::string email(const std::string& tenant, const std::string& role) const;

    // Direct SQL as the owner (a role without superuser, as in production),
    // for setting up and checking.
    db::Result sql(const std::string& statement);

    std::unique_ptr<relay::testing::PgTestDatabase> db_;
    std::unique_ptr<db::Pool> owner_pool_;
    std::unique_ptr<db::Pool> scoped_pool_;  // as contractsync_api_tenant
    std::unique_ptr<db::Pool> staff_pool_;   // as contractsync_api_staff
    relay::testing::TempDir blob_dir_;
    std::unique_ptr<storage::LocalBlobStore> blobs_;
    std::unique_ptr<crypto::SealingKey> sealing_key_;  // the relay's key file
    ApiEnv env_;
    std::unique_ptr<Dispatcher> dispatcher_;
    std::unique_ptr<db::Connection> conn_;
    TenantData a_;
    TenantData b_;
    std::string staff_admin_;
    std::string staff_operator_;
};

}  // namespace cs::relay::api::testing

#include "tests/relay/api/api_fixture.hpp"

#include <fmt/format.h>

#include "relay/api/auth/auth.hpp"
#include "relay/db/login_roles.hpp"
#include "relay/sites/sites.hpp"

namespace cs::relay::api::testing {

std::string Response::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k == name) {
            return v;
        }
    }
    return {};
}

std::string ApiFixture::email(const std::string& tenant, const std::string& role) const {
    return fmt::format("{}.{}@example.test", role, tenant);
}

db::Result ApiFixture::sql(const std::string& statement) {
    auto r = conn_->exec("test setup", statement);
    EXPECT_TRUE(r) << statement << ": " << (r ? "" : r.error().message);
    return r ? std::move(*r) : db::Result();
}

void ApiFixture::SetUp() {
    CS_REQUIRE_PG();
    db_ = std::make_unique<relay::testing::PgTestDatabase>(std::nullopt, "cs_test_owner");
    conn_ = db_->connect();
    db::ConnectOptions o;
    o.dsn = db_->dsn();
    owner_pool_ = std::make_unique<db::Pool>(o, 2, "owner");
    // The API's own login roles, as the relay runs them (docs/security.md).
    auto as = [&](db::ApiScope scope) {
        auto scoped = o;
        scoped.user = db::api_login(scope).default_user;
        return scoped;
    };
    scoped_pool_ = std::make_unique<db::Pool>(as(db::ApiScope::tenant), 2, "api-tenant");
    staff_pool_ = std::make_unique<db::Pool>(as(db::ApiScope::staff), 2, "api-staff");
    env_.auth.cost = {64, 1, 1};  // fast hashing for tests
    env_.owner_pool = owner_pool_.get();
    env_.scoped_pool = scoped_pool_.get();
    env_.staff_pool = staff_pool_.get();
    env_.claim_key = db::TenantClaimKey::load(*conn_).value();
    blobs_ = storage::LocalBlobStore::open(blob_dir_.path() / "blobs", {.sync = false}).value();
    env_.blobs = blobs_.get();
    sealing_key_ = std::make_unique<crypto::SealingKey>(crypto::SealingKey::generate().value());
    env_.sealing_key = sealing_key_.get();
    dispatcher_ = std::make_unique<Dispatcher>(build_routes(), env_);

    auto make_user = [&](std::optional<std::string> tenant, const std::string& mail,
                         const std::string& role) {
        auto id = auth::create_user(*conn_, {tenant, mail, "", role, kPassword}, env_.auth.cost);
        EXPECT_TRUE(id) << (id ? "" : id.error().message);
        return id ? *id : std::string();
    };
    staff_admin_ = make_user(std::nullopt, "admin@staff.test", "admin");
    staff_operator_ = make_user(std::nullopt, "operator@staff.test", "operator");
    for (auto* t : {&a_, &b_}) {
        std::string name = t == &a_ ? "a" : "b";
        auto tenant = sites::create_tenant(*conn_, "tenant-" + name).value();
        t->tenant_id = tenant.tenant_id;
        auto site = sites::create_site(*conn_, tenant.tenant_id, "site-" + name).value();
        t->site_id = site.site.site_id;
        t->site_key = site.key;
        for (const char* role : {"admin", "analyst", "viewer"}) {
            t->users[role] = make_user(t->tenant_id, email(name, role), role);
        }
        // A record with history, a run, a failed row, a parked child, a
        // command, an alert and an audit entry: something to read or change.
        t->record_key =
            name == "a" ? "0123456789abcdef0123456789abcdef" : "fedcba9876543210fedcba9876543210";
        sql(fmt::format(
            "INSERT INTO records (tenant_id, site_id, entity, bk_hash, data, data_hash, "
            "last_sequence) VALUES ('{0}', '{1}', 'items', decode('{2}', 'hex'), "
            "'{{\"item_id\": \"ITEM-{3}\", \"price\": \"1.50\"}}', decode('{2}', 'hex'), 1); "
            "INSERT INTO change_log (tenant_id, site_id, stream_id, sequence, entity, bk_hash, op, "
            "data_hash) VALUES ('{0}', '{1}', gen_random_uuid(), 1, 'items', decode('{2}', "
            "'hex'), 'i', decode('{2}', 'hex')); "
            "INSERT INTO sync_runs (tenant_id, site_id, run_id, entity, status, report) VALUES "
            "('{0}', '{1}', 'run-{3}', 'items', 'succeeded', '{{}}'); "
            "INSERT INTO failed_rows (tenant_id, site_id, stream_id, entity, row_id, error) "
            "VALUES ('{0}', '{1}', 's', 'items', 'row-{3}', 'bad price'); "
            "INSERT INTO pending_children (tenant_id, site_id, entity, bk_hash, parent_entity, "
            "parent_bk_hash, data, data_hash, stream_id, sequence) VALUES ('{0}', '{1}', "
            "'lines', decode('{2}', 'hex'), 'items', decode('{2}', 'hex'), '{{}}', "
            "decode('{2}', 'hex'), gen_random_uuid(), 1); "
            "INSERT INTO alerts (tenant_id, alert_id, site_id, kind, severity, message) VALUES "
            "('{0}', gen_random_uuid(), '{1}', 'lag', 'warning', 'behind'); "
            "INSERT INTO audit_log (tenant_id, actor, action, entity_type) VALUES ('{0}', "
            "'seed', 'seed.{3}', 'seed'); "
            "INSERT INTO tenant_settings (tenant_id) VALUES ('{0}')",
            t->tenant_id, t->site_id, t->record_key, name));
        auto command = sql(fmt::format(
            "INSERT INTO commands (tenant_id, command_id, site_id, command) VALUES ('{}', "
            "gen_random_uuid(), '{}', 'sync_now') RETURNING command_id",
            t->tenant_id, t->site_id));
        t->command_id = std::string(command.text(0, 0));
        auto recon = sql(fmt::format(
            "WITH run AS (INSERT INTO recon_runs (tenant_id, run_id, trigger, status, as_of) "
            "VALUES ('{0}', gen_random_uuid(), 'manual', 'succeeded', current_date) RETURNING "
            "run_id), "
            "exc AS (INSERT INTO recon_exceptions (tenant_id, rule, line_key, vendor_id, "
            "contract_no, vendor_item, vendor_uom, severity, severity_rank, message, "
            "suggested_action, details, fingerprint, first_run_id, last_run_id, number) SELECT "
            "'{0}', 'MISSING_MAPPING', 'k', 'ACME', 'C-1', 'ITEM-{3}', 'EA', 'medium', 2, 'no "
            "item', 'map it', '{{}}', '', run_id, run_id, 1 FROM run RETURNING exception_id), "
            "map AS (INSERT INTO recon_mappings (tenant_id, vendor_id, vendor_item, vendor_uom, "
            "p21_site_id, p21_item_bk, p21_item_id, p21_uom, method, confidence) VALUES ('{0}', "
            "'ACME', 'ITEM-{3}', 'EA', '{1}', decode('{2}', 'hex'), 'ITEM-{3}', 'EA', "
            "'description', 0.5) RETURNING mapping_id), "
            "file AS (INSERT INTO recon_vendor_files (tenant_id, file_id, name, format, blob_key, "
            "size_bytes, sha256, status) VALUES ('{0}', gen_random_uuid(), 'acme-{3}.csv', "
            "'csv', 'k', 1, '', 'accepted') RETURNING file_id) "
            "SELECT (SELECT run_id FROM run), (SELECT exception_id FROM exc), (SELECT mapping_id "
            "FROM map), (SELECT file_id FROM file)",
            t->tenant_id, t->site_id, t->record_key, name));
        t->recon_run_id = std::string(recon.text(0, 0));
        t->exception_id = std::string(recon.text(0, 1));
        t->mapping_id = std::string(recon.text(0, 2));
        t->file_id = std::string(recon.text(0, 3));
    }
}

void ApiFixture::TearDown() {
    dispatcher_.reset();
    scoped_pool_.reset();
    staff_pool_.reset();
    owner_pool_.reset();
    conn_.reset();
    db_.reset();
}

Response ApiFixture::call(const std::string& method, const std::string& target,
                          const Session* session, const nlohmann::json& body,
                          const std::string& address) {
    server::HttpRequest req;
    req.method = method;
    req.target = target;
    std::tie(req.path, req.query) = server::split_target(target);
    req.remote_address = address;
    req.headers.emplace_back("user-agent", "api-test/1");
    if (!body.is_null()) {
        req.body = body.dump();
        req.headers.emplace_back("content-type", "application/json");
    }
    if (session != nullptr) {
        if (!session->token.empty()) {
            req.headers.emplace_back("authorization", "Bearer " + session->token);
        } else {
            req.headers.emplace_back("cookie", session->cookie);
            if (!session->csrf.empty()) {
                req.headers.emplace_back("x-csrf-token", session->csrf);
            }
        }
        if (!session->tenant_header.empty()) {
            req.headers.emplace_back("x-tenant-id", session->tenant_header);
        }
    }
    auto http = dispatcher_->handle(req);
    Response r;
    r.status = http.status;
    r.raw = http.body;
    r.headers = http.headers;
    if (!http.body.empty() && http.content_type.find("json") != std::string::npos) {
        r.body = nlohmann::json::parse(http.body, nullptr, false);
    }
    return r;
}

Session ApiFixture::login(const std::string& mail, const std::string& address) {
    auto r = call("POST", "/api/v1/auth/login", nullptr, {{"email", mail}, {"password", kPassword}},
                  address);
    EXPECT_EQ(r.status, 200) << mail << ": " << r.raw;
    Session s;
    auto cookie = r.header("Set-Cookie");
    s.cookie = cookie.substr(0, cookie.find(';'));
    if (r.body.is_object() && r.body.contains("csrf_token")) {
        s.csrf = r.body["csrf_token"];
    }
    return s;
}

}  // namespace cs::relay::api::testing

// The API's time and concurrency limits (docs/relay.md, "Budgets"): a request
// that cannot get a lock in time answers 409, one that runs out of time 503,
// heavy routes over their per-tenant cap 429, all with Retry-After; and the
// reconciliation state with its failures and next attempt.
#include <chrono>

#include <fmt/format.h>

#include "relay/server/admission.hpp"
#include "tests/relay/api/api_fixture.hpp"

namespace cs::relay::api::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class LimitsTest : public ApiFixture {
protected:
    void SetUp() override {
        ApiFixture::SetUp();
        if (!db_) {
            return;  // skipped
        }
        sql(fmt::format("INSERT INTO recon_state (tenant_id) VALUES ('{}'), ('{}')", a_.tenant_id,
                        b_.tenant_id));
    }

    void limits(milliseconds statement, milliseconds lock) {
        env_.statement_timeout = statement;
        env_.lock_timeout = lock;
        dispatcher_ = std::make_unique<Dispatcher>(build_routes(), env_);
    }

    // Another connection holds tenant A's reconciliation state row, as a run
    // in progress does, until release().
    void hold_a() {
        holder_ = db_->connect();
        ASSERT_TRUE(holder_->exec("hold", "BEGIN"));
        ASSERT_TRUE(holder_->exec("hold", fmt::format("SELECT 1 FROM recon_state WHERE tenant_id "
                                                      "= '{}' FOR UPDATE",
                                                      a_.tenant_id)));
    }
    void release() { ASSERT_TRUE(holder_->exec("release", "ROLLBACK")); }

    Response patch_policy(const Session& s) {
        return call("PATCH", "/api/v1/recon/policy", &s, {{"settle_seconds", 5}});
    }

    std::unique_ptr<db::Connection> holder_;
};

TEST_F(LimitsTest, AWriteThatCannotGetItsLockAnswers409WithRetryAfterAtOnce) {
    limits(milliseconds(10'000), milliseconds(300));
    hold_a();
    auto a = login(email("a", "admin"));
    auto t = Clock::now();
    auto r = patch_policy(a);
    auto took = Clock::now() - t;
    EXPECT_EQ(r.status, 409) << r.raw;
    EXPECT_EQ(r.header("Retry-After"), "1");
    EXPECT_NE(r.body.value("detail", r.raw).find("locked by work in progress"), std::string::npos)
        << r.raw;
    EXPECT_LT(took, std::chrono::seconds(3)) << "the lock timeout, not the holder, decides";
    auto b = login(email("b", "admin"));
    EXPECT_EQ(patch_policy(b).status, 200) << "another tenant's state is not held";
    release();
    EXPECT_EQ(patch_policy(a).status, 200) << "once released, the same write goes through";
}

TEST_F(LimitsTest, AStatementOverItsTimeAnswers503WithRetryAfter) {
    limits(milliseconds(300), milliseconds(10'000));
    hold_a();
    auto a = login(email("a", "admin"));
    auto t = Clock::now();
    auto r = patch_policy(a);
    EXPECT_EQ(r.status, 503) << r.raw;
    EXPECT_FALSE(r.header("Retry-After").empty());
    EXPECT_LT(Clock::now() - t, std::chrono::seconds(3));
    release();
}

TEST_F(LimitsTest, HeavyRoutesAreCappedPerTenantAndRefusedAtOnce) {
    server::KeyedLimiter heavy(2, 1);
    env_.heavy = &heavy;
    dispatcher_ = std::make_unique<Dispatcher>(build_routes(), env_);
    auto a = login(email("a", "analyst"));
    auto b = login(email("b", "analyst"));
    {
        auto busy = heavy.try_acquire(a_.tenant_id);  // tenant A's run in progress
        ASSERT_TRUE(busy);
        auto r = call("POST", "/api/v1/recon/runs", &a, nlohmann::json::object());
        EXPECT_EQ(r.status, 429) << r.raw;
        EXPECT_EQ(r.header("Retry-After"), "5");
        auto export_csv = call("GET", "/api/v1/recon/exceptions/export", &a);
        EXPECT_EQ(export_csv.status, 429) << "exports are heavy too";
        EXPECT_EQ(call("GET", "/api/v1/recon/exceptions", &a).status, 200)
            << "interactive routes are not capped";
        EXPECT_EQ(call("POST", "/api/v1/recon/runs", &b, nlohmann::json::object()).status, 201)
            << "another tenant has its own cap";
    }
    EXPECT_EQ(heavy.running(), 0u) << "each request released its slot";
    EXPECT_EQ(call("POST", "/api/v1/recon/runs", &a, nlohmann::json::object()).status, 201);
}

TEST_F(LimitsTest, AnUploadOverTheHeavyCapIsRefusedBeforeItsBody) {
    server::KeyedLimiter heavy(2, 1);
    env_.heavy = &heavy;
    dispatcher_ = std::make_unique<Dispatcher>(build_routes(), env_);
    auto a = login(email("a", "analyst"));
    server::HttpRequest header;  // what the server knows before the body
    header.method = "POST";
    header.target = "/api/v1/vendor-files?name=x.csv";
    std::tie(header.path, header.query) = server::split_target(header.target);
    header.headers = {{"cookie", a.cookie}, {"x-csrf-token", a.csrf}, {"content-type", "text/csv"}};
    EXPECT_FALSE(dispatcher_->admit(header)) << "admitted while the tenant has room";
    auto busy = heavy.try_acquire(a_.tenant_id);  // tenant A's run in progress
    ASSERT_TRUE(busy);
    auto refusal = dispatcher_->admit(header);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, 429) << refusal->body;
    EXPECT_EQ(heavy.running(), 1u) << "admission holds no slot";
    header.headers[1].second = "wrong";
    auto csrf = dispatcher_->admit(header);
    ASSERT_TRUE(csrf);
    EXPECT_EQ(csrf->status, 403) << "credentials are checked first";
}

TEST_F(LimitsTest, TheStateShowsFailuresAndTheNextAttempt) {
    sql(
        fmt::format("UPDATE recon_state SET failures = 3, last_attempt_at = now(), last_error = "
                    "'canceling statement due to statement timeout', next_attempt_at = now() + "
                    "interval '4 minutes' WHERE tenant_id = '{}'",
                    a_.tenant_id));
    auto viewer = login(email("a", "viewer"));
    auto r = call("GET", "/api/v1/recon/state", &viewer);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["failures"], 3);
    EXPECT_EQ(r.body["last_error"], "canceling statement due to statement timeout");
    EXPECT_TRUE(r.body["next_attempt_at"].is_string()) << r.raw;
    EXPECT_TRUE(r.body["auto_run"].get<bool>());
    auto b = login(email("b", "viewer"));
    auto other = call("GET", "/api/v1/recon/state", &b);
    ASSERT_EQ(other.status, 200);
    EXPECT_EQ(other.body["failures"], 0) << "each tenant sees its own";
    EXPECT_TRUE(other.body["last_error"].is_null());
}

}  // namespace
}  // namespace cs::relay::api::testing

// The relay's budgets (docs/relay.md, "Budgets"): one tenant's slow
// reconciliation run, holding its locks, while another tenant's API calls,
// /readyz and an agent's change sets keep their normal latency, and the slow
// tenant's own writes are answered 409/503 with Retry-After within seconds.
// Latency bounds are generous: they tell a stalled relay (tens of seconds)
// from a working one, they measure nothing finer (scripts/bench does).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "relay/api/auth/auth.hpp"
#include "relay/cli/relay_service.hpp"
#include "relay/recon/recon.hpp"
#include "relay/sites/sites.hpp"
#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"
#include "tests/relay/support/source_model.hpp"
#include "tests/relay/support/test_agent.hpp"

namespace cs::relay::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using testing::https_request;
using testing::HttpsReply;

constexpr const char* kPassword = "correct horse battery staple";
// How long the slow run holds its tenant's locks once it has taken them.
constexpr int kHoldSeconds = 12;
// How long the other tenant is measured while the run holds them.
constexpr auto kMeasureFor = std::chrono::seconds(7);

struct Login {
    std::string cookie;
    std::string csrf;
};

double p99(std::vector<double> ms) {
    if (ms.empty()) {
        return 0;
    }
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
}

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

class BudgetsTest : public ::testing::Test {
protected:
    void SetUp() override {
        CS_REQUIRE_PG();
        db_ = std::make_unique<testing::PgTestDatabase>();
        dir_ = std::make_unique<testing::TempDir>();
        conn_ = db_->connect();
        site_b_ = db_->create_site("site-b");  // tenant B: the one that must not notice
        tenant_b_ = site_b_.site.tenant_id;
        tenant_a_ = sites::create_tenant(*conn_, "tenant-a").value().tenant_id;
        api::PasswordCost cost{64, 1, 1};
        ASSERT_TRUE(api::auth::create_user(
            *conn_, {tenant_a_, "admin@a.test", "", "admin", kPassword}, cost));
        ASSERT_TRUE(api::auth::create_user(
            *conn_, {tenant_b_, "analyst@b.test", "", "analyst", kPassword}, cost));

        // Tenant A reconciles as soon as the relay looks; its run, once it
        // has written its results, sleeps holding its locks (the stand-in for
        // a pathological statement), once.
        recon::Policy policy;
        policy.settle_seconds = 0;
        ASSERT_TRUE(recon::update_policy(*conn_, tenant_a_, policy, recon::Actor{}));
        auto hold = conn_->exec("a slow run", fmt::format(R"sql(
            CREATE TABLE test_hold (n int);
            INSERT INTO test_hold VALUES (1);
            CREATE FUNCTION test_hold_run() RETURNS trigger LANGUAGE plpgsql
                SECURITY DEFINER AS $$
            BEGIN
                DELETE FROM test_hold;
                IF FOUND THEN
                    PERFORM pg_sleep({});
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_hold_run AFTER UPDATE ON recon_state FOR EACH ROW
                WHEN (NEW.tenant_id = '{}' AND OLD.last_run_id IS DISTINCT FROM NEW.last_run_id)
                EXECUTE FUNCTION test_hold_run())sql",
                                                          kHoldSeconds, tenant_a_));
        ASSERT_TRUE(hold) << hold.error().message;

        config_ = db_->relay_config(dir_->path());
        config_.api.argon2_memory_kib = 64;
        config_.api.argon2_iterations = 1;
        config_.api.argon2_parallelism = 1;
        config_.reconciliation.interval = milliseconds(200);
        auto service = RelayService::start(config_);
        ASSERT_TRUE(service) << service.error().message;
        relay_ = std::move(*service);
    }

    void TearDown() override {
        if (relay_) {
            relay_->stop();  // cancels the sleeping run
        }
    }

    Login login(const std::string& email) {
        auto r = https_request(relay_->port(), "POST", "/api/v1/auth/login", {},
                               nlohmann::json{{"email", email}, {"password", kPassword}}.dump());
        EXPECT_EQ(r.status, 200) << r.body;
        auto cookie = r.header("Set-Cookie");
        return {cookie.substr(0, cookie.find(';')),
                r.status == 200 ? nlohmann::json::parse(r.body).value("csrf_token", "") : ""};
    }

    HttpsReply call(const Login& who, const std::string& method, const std::string& target,
                    const std::string& body = "") {
        return https_request(relay_->port(), method, target,
                             {{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}}, body,
                             std::chrono::seconds(60));
    }

    // Whether tenant A's run is asleep holding its locks.
    bool run_is_holding() {
        return testing::scalar(*conn_,
                               "SELECT count(*) FROM pg_stat_activity WHERE wait_event = "
                               "'PgSleep' AND datname = current_database()") == "1";
    }

    std::unique_ptr<testing::PgTestDatabase> db_;
    std::unique_ptr<testing::TempDir> dir_;
    std::unique_ptr<db::Connection> conn_;
    sites::IssuedKey site_b_;
    std::string tenant_a_;
    std::string tenant_b_;
    RelayConfig config_;
    std::unique_ptr<RelayService> relay_;
};

TEST_F(BudgetsTest, ASlowRunOfOneTenantStallsNeitherOthersNorItsOwnRequests) {
    auto a = login("admin@a.test");
    auto b = login("analyst@b.test");
    testing::TestAgent agent(relay_->port());
    ASSERT_EQ(agent.connect(site_b_.key), 101);
    const std::string stream = "0190f5e2-7a41-7c3e-8b5d-0000000000b1";
    ASSERT_EQ(agent.hello({stream}).json().value("type", ""), "welcome");

    auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!run_is_holding() && Clock::now() < deadline) {
        std::this_thread::sleep_for(milliseconds(50));
    }
    ASSERT_TRUE(run_is_holding()) << "tenant A's run never started";
    auto holding_since = Clock::now();

    // Tenant A's admin keeps changing the policy (a write that waits for the
    // run's lock on the tenant's reconciliation state), one after the other as a
    // person would. (Writes queued behind each other wait once each: the lock
    // timeout bounds each wait, docs/relay.md.)
    std::atomic<bool> stop{false};
    std::vector<std::vector<std::pair<int, double>>> a_writes(1);
    std::vector<std::string> a_retry_after(1);
    std::vector<std::thread> writers;
    for (std::size_t w = 0; w < a_writes.size(); ++w) {
        writers.emplace_back([&, w] {
            while (!stop) {
                auto t = Clock::now();
                auto r = call(a, "PATCH", "/api/v1/recon/policy", R"({"settle_seconds": 5})");
                a_writes[w].emplace_back(r.status, seconds_since(t));
                if (r.status == 409 || r.status == 503) {
                    a_retry_after[w] = r.header("Retry-After");
                }
            }
        });
    }
    // Meanwhile: tenant B's API, the readiness probe and B's agent.
    std::vector<double> me_ms, ready_ms, apply_ms;
    std::vector<int> me_status, ready_status;
    std::thread prober([&] {
        while (!stop) {
            auto t = Clock::now();
            auto r = testing::https_get(relay_->port(), "/readyz");
            ready_ms.push_back(seconds_since(t) * 1000);
            ready_status.push_back(r.first);
            std::this_thread::sleep_for(milliseconds(50));
        }
    });
    testing::SourceModel items("items", testing::item_schema());
    std::uint64_t next = 1;
    std::uint64_t acked = 0;
    std::uint64_t version = 1;
    std::thread shipper([&] {
        while (!stop) {
            for (std::uint64_t i = 0; i < 20; ++i) {
                items.put(testing::item_row(i, version));
            }
            ++version;
            auto t = Clock::now();
            for (auto& frame : items.take_frames(stream, next, 20)) {
                if (!agent.send_binary(frame)) {
                    return;
                }
                auto ack = agent.read_type("ack", std::chrono::seconds(30)).json();
                if (ack.value("status", "") != "applied") {
                    return;
                }
                acked = ack.value("sequence", std::uint64_t{0});
            }
            apply_ms.push_back(seconds_since(t) * 1000);
        }
    });
    while (Clock::now() - holding_since < kMeasureFor) {
        auto t = Clock::now();
        auto r = call(b, "GET", "/api/v1/auth/me");
        me_ms.push_back(seconds_since(t) * 1000);
        me_status.push_back(r.status);
        std::this_thread::sleep_for(milliseconds(20));
    }
    stop = true;
    for (auto& w : writers) {
        w.join();
    }
    prober.join();
    shipper.join();
    bool held_throughout = run_is_holding();
    RecordProperty("p99_me_ms", std::to_string(p99(me_ms)));
    RecordProperty("p99_readyz_ms", std::to_string(p99(ready_ms)));
    RecordProperty("p99_apply_ms", std::to_string(p99(apply_ms)));

    // The other tenant noticed nothing.
    ASSERT_GE(me_ms.size(), 20u);
    EXPECT_TRUE(std::all_of(me_status.begin(), me_status.end(), [](int s) { return s == 200; }));
    EXPECT_LT(p99(me_ms), 1500) << "GET /api/v1/auth/me of another tenant";
    ASSERT_GE(ready_ms.size(), 10u);
    EXPECT_TRUE(
        std::all_of(ready_status.begin(), ready_status.end(), [](int s) { return s == 200; }));
    EXPECT_LT(p99(ready_ms), 1500) << "/readyz";
    ASSERT_GE(apply_ms.size(), 5u) << "change sets applied: " << acked;
    EXPECT_LT(p99(apply_ms), 3000) << "a 20-row change set applied and acknowledged";

    // The slow tenant's own writes were refused in seconds, not held for the run.
    std::size_t refused = 0;
    for (std::size_t w = 0; w < a_writes.size(); ++w) {
        for (auto [status, seconds] : a_writes[w]) {
            EXPECT_TRUE(status == 409 || status == 503) << status;
            EXPECT_LT(seconds, 4.0) << "answered within lock_timeout (2 s) and a margin";
            refused += status == 409 || status == 503 ? 1 : 0;
        }
        EXPECT_FALSE(a_retry_after[w].empty()) << "a refusal says when to retry";
    }
    EXPECT_GE(refused, 2u);
    ASSERT_TRUE(held_throughout) << "the run stopped holding its locks before the measurement "
                                    "ended: the numbers above did not measure a stall";

    // A run asked for by hand meanwhile is refused at once: one run per tenant.
    auto manual = call(a, "POST", "/api/v1/recon/runs", "{}");
    EXPECT_EQ(manual.status, 409) << manual.body;

    // Once the run finishes, the same write goes through.
    deadline = Clock::now() + std::chrono::seconds(kHoldSeconds + 20);
    while (run_is_holding() && Clock::now() < deadline) {
        std::this_thread::sleep_for(milliseconds(100));
    }
    auto after = call(a, "PATCH", "/api/v1/recon/policy", R"({"settle_seconds": 5})");
    EXPECT_EQ(after.status, 200) << after.body;
    EXPECT_EQ(testing::scalar(*conn_, fmt::format("SELECT status FROM recon_runs WHERE "
                                                  "tenant_id = '{}' ORDER BY started_at LIMIT 1",
                                                  tenant_a_)),
              "succeeded");
}

TEST_F(BudgetsTest, StoppingCancelsARunInProgressWithoutCountingAFailure) {
    auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!run_is_holding() && Clock::now() < deadline) {
        std::this_thread::sleep_for(milliseconds(50));
    }
    ASSERT_TRUE(run_is_holding()) << "tenant A's run never started";
    auto t = Clock::now();
    relay_->stop();
    relay_.reset();
    EXPECT_LT(seconds_since(t), kHoldSeconds - 4) << "stop cancels the run, not waits it out";
    auto state = recon::get_state(*conn_, tenant_a_).value();
    EXPECT_EQ(state.failures, 0) << "a run cancelled by a stop is no failure: " << state.last_error;
    EXPECT_TRUE(state.last_run_id.empty()) << "its transaction rolled back";
}

}  // namespace
}  // namespace cs::relay::cli

// scripts/bench api: what one tenant's stalled reconciliation run costs the
// others. An in-process relay on a database of its own; tenant B's
// GET /api/v1/auth/me, /readyz and a 20-row change set applied by B's agent
// are measured for --seconds with nothing else going on ("idle"), then for as
// long while tenant A's run holds its locks ("stalled": a trigger keeps the run
// asleep after it has written its results) and two of A's users keep changing
// A's policy, which those locks refuse. One JSON line per case and phase:
// samples, p50, p99 and max in milliseconds (docs/relay.md, "Budgets").
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "relay/api/auth/auth.hpp"
#include "relay/cli/relay_service.hpp"
#include "relay/recon/recon.hpp"
#include "relay/sites/sites.hpp"
#include "tests/bench/bench_db.hpp"
#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/source_model.hpp"
#include "tests/relay/support/test_agent.hpp"

namespace cs::bench {
namespace {

using Clock = std::chrono::steady_clock;
using relay::testing::https_request;
constexpr const char* kPassword = "correct horse battery staple";

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string stats_json(const std::string& name, const std::string& phase, std::vector<double> ms,
                       const nlohmann::json& extra = nlohmann::json::object()) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
        return ms.empty() ? 0.0
                          : ms[std::min(ms.size() - 1, static_cast<std::size_t>(ms.size() * q))];
    };
    nlohmann::json out{{"case", name},
                       {"phase", phase},
                       {"samples", ms.size()},
                       {"p50_ms", std::round(at(0.5) * 10) / 10},
                       {"p99_ms", std::round(at(0.99) * 10) / 10},
                       {"max_ms", std::round((ms.empty() ? 0.0 : ms.back()) * 10) / 10}};
    out.update(extra);
    return out.dump();
}

struct Login {
    std::string cookie;
    std::string csrf;
};

Login login(int port, const std::string& email) {
    auto r = https_request(port, "POST", "/api/v1/auth/login", {},
                           nlohmann::json{{"email", email}, {"password", kPassword}}.dump());
    if (r.status != 200) {
        throw std::runtime_error(fmt::format("login {}: {} {}", email, r.status, r.body));
    }
    auto cookie = r.header("Set-Cookie");
    return {cookie.substr(0, cookie.find(';')),
            nlohmann::json::parse(r.body).value("csrf_token", "")};
}

relay::testing::HttpsReply call(int port, const Login& who, const std::string& method,
                                const std::string& target, const std::string& body = "") {
    return https_request(port, method, target, {{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}},
                         body, std::chrono::seconds(120));
}

// Tenant B's three kinds of work, each in a loop of its own, for `seconds`.
struct Samples {
    std::vector<double> me, readyz, apply;
};

class Workload {
public:
    Workload(int port, Login b, const std::string& site_key)
        : port_(port), b_(std::move(b)), agent_(port) {
        if (agent_.connect(site_key) != 101 ||
            agent_.hello({kStream}).json().value("type", "") != "welcome") {
            throw std::runtime_error("the agent could not connect");
        }
    }

    Samples run(std::chrono::seconds seconds) {
        Samples s;
        auto until = Clock::now() + seconds;
        std::thread probe([&] {
            while (Clock::now() < until) {
                auto t = Clock::now();
                if (relay::testing::https_get(port_, "/readyz").first == 200) {
                    s.readyz.push_back(ms_since(t));
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
        std::string failed;
        std::thread ship([&] {
            while (Clock::now() < until && failed.empty()) {
                for (std::uint64_t i = 0; i < 20; ++i) {
                    items_.put(relay::testing::item_row(i, version_));
                }
                ++version_;
                auto t = Clock::now();
                for (auto& frame : items_.take_frames(kStream, next_, 20)) {
                    if (!agent_.send_binary(frame) ||
                        agent_.read_type("ack", std::chrono::seconds(120))
                                .json()
                                .value("status", "") != "applied") {
                        failed = "a change set was not applied";
                        return;
                    }
                }
                s.apply.push_back(ms_since(t));
            }
        });
        while (Clock::now() < until) {
            auto t = Clock::now();
            if (call(port_, b_, "GET", "/api/v1/auth/me").status == 200) {
                s.me.push_back(ms_since(t));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        probe.join();
        ship.join();
        if (!failed.empty()) {
            throw std::runtime_error(failed);
        }
        return s;
    }

private:
    static constexpr const char* kStream = "0190f5e2-7a41-7c3e-8b5d-0000000000b1";
    int port_;
    Login b_;
    relay::testing::TestAgent agent_;
    relay::testing::SourceModel items_{"items", relay::testing::item_schema()};
    std::uint64_t next_ = 1;
    std::uint64_t version_ = 1;
};

void print(const Samples& s, const std::string& phase) {
    std::printf("%s\n", stats_json("api_auth_me", phase, s.me).c_str());
    std::printf("%s\n", stats_json("api_readyz", phase, s.readyz).c_str());
    std::printf("%s\n", stats_json("api_apply_20_rows", phase, s.apply).c_str());
    std::fflush(stdout);
}

int bench(const std::string& dsn, int seconds) {
    BenchDatabase db(dsn, fmt::format("cs_bench_api_{}", ::getpid()));
    relay::testing::TempDir dir;
    relay::RelayConfig config;
    config.origin = "api_bench";
    config.listen_address = "127.0.0.1";
    config.listen_port = 0;
    auto tls = relay::testing::test_data_dir() / "tls";
    config.tls = relay::TlsConfig{tls / "relay-test.crt", tls / "relay-test.key"};
    config.database.dsn = db.dsn;
    config.data_dir = dir.path();
    config.api.argon2_memory_kib = 64;
    config.api.argon2_iterations = 1;
    config.reconciliation.interval = std::chrono::milliseconds(200);
    auto service = must(relay::cli::RelayService::start(config), "starting the relay");
    int port = service->port();

    auto conn = connect(db.dsn);
    auto a = must(relay::sites::create_tenant(*conn, "tenant-a"), "tenant a").tenant_id;
    auto b = must(relay::sites::create_tenant(*conn, "tenant-b"), "tenant b").tenant_id;
    auto site = must(relay::sites::create_site(*conn, b, "site-b"), "site b");
    relay::api::PasswordCost cost{64, 1, 1};
    for (const auto& [tenant, email, role] :
         {std::tuple{a, "admin@a.test", "admin"}, std::tuple{b, "analyst@b.test", "analyst"}}) {
        must(relay::api::auth::create_user(*conn, {tenant, email, "", role, kPassword}, cost),
             "user");
    }
    auto workload = std::make_unique<Workload>(port, login(port, "analyst@b.test"), site.key);
    print(workload->run(std::chrono::seconds(seconds)), "idle");

    // Tenant A's run sleeps once it has written its results, holding its locks.
    int hold = seconds + 10;
    must(conn->exec("a stalled run", fmt::format(R"sql(
        CREATE TABLE bench_hold (n int);
        INSERT INTO bench_hold VALUES (1);
        CREATE FUNCTION bench_hold_run() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
            DELETE FROM bench_hold;
            IF FOUND THEN PERFORM pg_sleep({}); END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER bench_hold_run AFTER UPDATE ON recon_state FOR EACH ROW
            WHEN (NEW.tenant_id = '{}' AND OLD.last_run_id IS DISTINCT FROM NEW.last_run_id)
            EXECUTE FUNCTION bench_hold_run())sql",
                                                 hold, a)),
         "installing the hold");
    relay::recon::Policy policy;
    policy.settle_seconds = 0;
    must(relay::recon::update_policy(*conn, a, policy, relay::recon::Actor{}), "policy");
    auto deadline = Clock::now() + std::chrono::seconds(30);
    auto holding = [&] {
        return must(conn->exec("holding?",
                               "SELECT count(*) FROM pg_stat_activity WHERE "
                               "wait_event = 'PgSleep' AND datname = "
                               "current_database()"),
                    "holding?")
                   .text(0, 0) == "1";
    };
    while (!holding()) {
        if (Clock::now() > deadline) {
            throw std::runtime_error("tenant A's run did not start");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto admin = login(port, "admin@a.test");
    std::atomic<bool> stop{false};
    std::vector<double> refused;
    std::vector<int> statuses;
    std::mutex m;
    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) {
        writers.emplace_back([&] {
            while (!stop) {
                auto t = Clock::now();
                auto r =
                    call(port, admin, "PATCH", "/api/v1/recon/policy", R"({"settle_seconds": 5})");
                std::lock_guard lock(m);
                refused.push_back(ms_since(t));
                statuses.push_back(r.status);
            }
        });
    }
    auto stalled = workload->run(std::chrono::seconds(seconds));
    stop = true;
    for (auto& w : writers) {
        w.join();
    }
    print(stalled, "stalled");
    auto answered =
        std::count_if(statuses.begin(), statuses.end(), [](int s) { return s == 409 || s == 503; });
    std::printf("%s\n", stats_json("api_locked_write", "stalled", refused,
                                   {{"refused_409_503", answered},
                                    {"lock_timeout_ms", config.api.lock_timeout.count()}})
                            .c_str());
    workload.reset();  // the agent disconnects, so the relay need not wait for it
    service->stop();
    return 0;
}

}  // namespace
}  // namespace cs::bench

int main(int argc, char** argv) {
    CLI::App app{"api_bench: other tenants' latency while one tenant's run is stalled"};
    std::string dsn;
    int seconds = 8;
    app.add_option("--dsn", dsn, "a PostgreSQL cluster (without dbname)")->required();
    app.add_option("--seconds", seconds, "how long each phase is measured")
        ->check(CLI::Range(1, 600));
    CLI11_PARSE(app, argc, argv);
    // stdout carries the results only; the relay's warnings go to stderr.
    spdlog::set_default_logger(spdlog::stderr_color_mt("api_bench"));
    spdlog::set_level(spdlog::level::warn);
    try {
        return cs::bench::bench(dsn, seconds);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "api_bench: %s\n", e.what());
        return 1;
    }
}

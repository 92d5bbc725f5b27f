// PostgreSQL restarted (fast shutdown) and crashed (immediate shutdown, WAL
// recovery) while the relay applies a stream: the relay closes sessions with
// 1011, refuses upgrades with 503 while the database is down, and the agent's
// resends end with PostgreSQL equal to the source, each change set applied once.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

#include "relay/cli/relay_service.hpp"
#include "tests/relay/faults/fault_workload.hpp"
#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"
#include "tests/relay/support/uplink.hpp"

namespace cs::relay::testing {
namespace {

std::string source_dir() {
    const char* env = std::getenv("CS_SOURCE_DIR");
    return env != nullptr && *env != '\0' ? env : CS_SOURCE_DIR;
}

// Runs scripts/pg-cluster; returns what it printed (for start: the DSN, or
// why the cluster did not start).
std::string pg_cluster(const std::string& command, const std::string& dir) {
    auto cmd = source_dir() + "/scripts/pg-cluster " + command + " " + dir + " 2>&1";
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char line[512];
        while (std::fgets(line, sizeof(line), p) != nullptr) {
            out += line;
        }
        ::pclose(p);
    }
    while (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

// A private cluster, so restarting it disturbs no other test.
class PrivateCluster {
public:
    PrivateCluster() : dir_(std::filesystem::temp_directory_path() / "cs-relay-pg-XXXXXX") {
        std::string pattern = dir_.string();
        ::mkdtemp(pattern.data());
        dir_ = pattern;
        std::filesystem::remove(dir_);  // pg-cluster creates it with the right owner
        dsn_ = pg_cluster("start", dir_.string());
    }
    ~PrivateCluster() { pg_cluster("destroy", dir_.string()); }
    const std::string& dsn() const { return dsn_; }
    const std::string dir() const { return dir_.string(); }

private:
    std::filesystem::path dir_;
    std::string dsn_;
};

TEST(PgRestartTest, RestartAndCrashMidApplyEndEqualWithEachSetOnce) {
    PrivateCluster cluster;
    ASSERT_NE(cluster.dsn().find("host=127.0.0.1"), std::string::npos)
        << "scripts/pg-cluster start failed: " << cluster.dsn();
    PgTestDatabase db(cluster.dsn());
    TempDir dir;
    auto site = db.create_site("pg-restart");
    const std::string stream = "0190f5e2-7a41-7c3e-8b5d-00000000000d";
    FaultWorkload work(stream);
    auto config = db.relay_config(dir.path());
    config.database.acquire_timeout = std::chrono::seconds(2);
    config.database.connect_timeout = std::chrono::seconds(2);
    auto relay = cli::RelayService::start(config);
    ASSERT_TRUE(relay) << relay.error().message;

    std::atomic<std::size_t> acks{0};
    std::atomic<bool> done{false};
    std::thread faults([&] {
        for (auto [at, command] : {std::pair{5u, "restart"}, std::pair{18u, "kill"}}) {
            while (!done && acks < at) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            if (done) {
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(40));  // into the next apply
            pg_cluster(command, cluster.dir());
            if (std::string(command) == "kill") {
                std::this_thread::sleep_for(std::chrono::seconds(1));  // down for a while
                pg_cluster("start", cluster.dir());
            }
        }
    });
    auto report =
        run_uplink(work.frames, {.port = (*relay)->port(),
                                 .key = site.key,
                                 .stream_id = stream,
                                 .window = 4,
                                 .deadline = std::chrono::seconds(300),
                                 .reconnect_delay = std::chrono::milliseconds(300),
                                 .on_ack = [&](std::uint64_t, const std::string&) { ++acks; }});
    done = true;
    faults.join();
    ASSERT_TRUE(report.complete) << report.last_problem;
    EXPECT_GE(report.connections, 2);
    EXPECT_NE(std::find(report.close_codes.begin(), report.close_codes.end(), 1011),
              report.close_codes.end())
        << "the database failure never surfaced as 1011";
    for (const auto& [seq, statuses] : report.acks) {
        for (const auto& status : statuses) {
            EXPECT_NE(status, "rejected") << seq;
        }
    }
    auto conn = db.connect();
    expect_ledger(*conn, db.site_ref(site), stream, work.sequences);
    expect_records_match(*conn, db.site_ref(site), work.source);
    EXPECT_EQ(scalar(*conn,
                     "SELECT count(*) FROM (SELECT sequence, bk_hash FROM change_log "
                     "GROUP BY 1, 2 HAVING count(*) > 1) d"),
              "0");
    (*relay)->stop();
}

}  // namespace
}  // namespace cs::relay::testing

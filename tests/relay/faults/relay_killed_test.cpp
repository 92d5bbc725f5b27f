// The relay process is SIGKILLed in the middle of a stream, several times, and
// restarted on the same port: the agent's resends after each reconnect must
// leave PostgreSQL equal to the source with every change set applied once.
#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/relay/faults/fault_workload.hpp"
#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"
#include "tests/relay/support/relay_process.hpp"
#include "tests/relay/support/uplink.hpp"

namespace cs::relay::testing {
namespace {

std::string relay_json(const PgTestDatabase& db, const TempDir& dir, int port) {
    auto tls = test_data_dir() / "tls";
    return fmt::format(R"({{
        "listen": {{"address": "127.0.0.1", "port": {}}},
        "tls": {{"certificate_file": "{}", "private_key_file": "{}"}},
        "database": {{"dsn": "{}", "session_connections": 8, "acquire_timeout": "5s"}},
        "limits": {{"window": 4}},
        "metrics": {{"listen": "127.0.0.1:0"}},
        "data_dir": "{}"
    }})",
                       port, (tls / "relay-test.crt").string(), (tls / "relay-test.key").string(),
                       db.dsn(), dir.path().string());
}

TEST(RelayKilledTest, SigkilledMidStreamAndRestartedEndsEqualWithEachSetOnce) {
    CS_REQUIRE_PG();
    PgTestDatabase db;
    TempDir dir;
    auto site = db.create_site("killed");
    const std::string stream = "0190f5e2-7a41-7c3e-8b5d-00000000000c";
    FaultWorkload work(stream);
    RelayProcess relay(dir.path(), relay_json(db, dir, free_port()));
    ASSERT_TRUE(relay.start()) << "relay did not start; see " << (dir.path() / "relay.log");

    std::atomic<std::size_t> acks{0};
    std::atomic<bool> done{false};
    std::atomic<int> kills{0};
    std::thread killer([&] {
        // Three kills, each a little after fresh progress, while later sets
        // are being decoded or applied.
        for (std::size_t at : {4u, 14u, 26u}) {
            while (!done && acks < at) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            if (done) {
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(30 * (kills + 1)));
            relay.kill_hard();
            ++kills;
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            if (!relay.start()) {
                ADD_FAILURE() << "relay did not restart";
                return;
            }
        }
    });
    auto report =
        run_uplink(work.frames, {.port = relay.port(),
                                 .key = site.key,
                                 .stream_id = stream,
                                 .window = 4,
                                 .on_ack = [&](std::uint64_t, const std::string&) { ++acks; }});
    done = true;
    killer.join();
    ASSERT_TRUE(report.complete) << report.last_problem;
    EXPECT_EQ(kills, 3);
    EXPECT_GE(report.connections, 4);
    for (const auto& [seq, statuses] : report.acks) {
        for (const auto& status : statuses) {
            EXPECT_NE(status, "rejected") << seq;
        }
    }
    auto conn = db.connect();
    expect_ledger(*conn, db.site_ref(site), stream, work.sequences);
    expect_records_match(*conn, db.site_ref(site), work.source);
    // Each row change was logged exactly once: no set was applied twice.
    EXPECT_EQ(scalar(*conn,
                     "SELECT count(*) FROM (SELECT sequence, bk_hash FROM change_log "
                     "GROUP BY 1, 2 HAVING count(*) > 1) d"),
              "0");
    EXPECT_EQ(relay.terminate(), 0);
}

}  // namespace
}  // namespace cs::relay::testing

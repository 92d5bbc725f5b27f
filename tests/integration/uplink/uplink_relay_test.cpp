// One row from a CSV line to a PostgreSQL row: `contractsync-agent sync` and
// `push` against `contractsync-relay serve`, both real binaries, over TLS.
// The relay's records must hold exactly the agent's state: the same business
// keys with the same data hashes, nothing more, nothing less.
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <unistd.h>

#include "agent/store/state_db.hpp"
#include "common/text/hex.hpp"
#include "tests/agent/agent_test_support.hpp"
#include "tests/agent/ship/child_process.hpp"
#include "tests/agent/ship/ship_test_support.hpp"

namespace cs::agent::ship {
namespace {

using testing::ChildProcess;
using testing::run_program;
using namespace std::chrono_literals;

const std::filesystem::path kAgent =
    std::filesystem::path(CS_BINARY_DIR) / "agent/contractsync-agent";
const std::filesystem::path kRelay =
    std::filesystem::path(CS_BINARY_DIR) / "relay/contractsync-relay";

// Just enough libpq for the checks.
class Pg {
public:
    explicit Pg(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {}
    ~Pg() { PQfinish(conn_); }
    Pg(const Pg&) = delete;
    Pg& operator=(const Pg&) = delete;

    bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
    std::string error() const { return PQerrorMessage(conn_); }
    // host/port/user of this connection with another database.
    std::string dsn_for(const std::string& dbname) const {
        return fmt::format("host={} port={} user={} dbname={}", PQhost(conn_), PQport(conn_),
                           PQuser(conn_), dbname);
    }
    std::vector<std::vector<std::string>> query(const std::string& sql) {
        PGresult* res = PQexec(conn_, sql.c_str());
        std::vector<std::vector<std::string>> rows;
        auto status = PQresultStatus(res);
        EXPECT_TRUE(status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
            << sql << ": " << PQresultErrorMessage(res);
        for (int r = 0; r < PQntuples(res); ++r) {
            std::vector<std::string> row;
            for (int c = 0; c < PQnfields(res); ++c) {
                row.emplace_back(PQgetvalue(res, r, c));
            }
            rows.push_back(std::move(row));
        }
        PQclear(res);
        return rows;
    }

private:
    PGconn* conn_;
};

// bk_hash -> data_hash, both hex, of every live row the agent holds for `entity`.
std::map<std::string, std::string> agent_state(const std::filesystem::path& db,
                                               const std::string& entity) {
    auto store = StateDb::open(db).value();
    auto record = store.find_entity(entity).value();
    EXPECT_TRUE(record.has_value());
    std::map<std::string, std::string> out;
    auto s = store.db()
                 .prepare("SELECT bk, data_hash FROM " + StateDb::state_table(record->entity_id))
                 .value();
    while (s.step().value()) {
        out[text::to_hex(s.column_blob(0))] = text::to_hex(s.column_blob(1));
    }
    return out;
}

std::map<std::string, std::string> relay_records(Pg& pg, const std::string& site_id,
                                                 const std::string& entity) {
    std::map<std::string, std::string> out;
    for (auto& row : pg.query(fmt::format(
             "SELECT encode(bk_hash, 'hex'), encode(data_hash, 'hex') FROM records WHERE site_id = "
             "'{}' AND entity = '{}' AND NOT deleted",
             site_id, entity))) {
        out[row[0]] = row[1];
    }
    return out;
}

// `rows` good rows (some changed, some left out) plus one row whose price is not
// a number, which must end in the failed-rows store on both sides.
void write_csv(const std::filesystem::path& path, int rows, int changed_every, int removed_from) {
    std::ofstream out(path.string() + ".tmp");
    out << "item_id,name,price,qty\n";
    out << "BAD0001,Broken,12.5x,1\n";
    for (int i = 1; i <= rows; ++i) {
        if (removed_from > 0 && i >= removed_from && i < removed_from + 500) {
            continue;
        }
        bool changed = changed_every > 0 && i % changed_every == 0;
        out << fmt::format("I{:07},\"Item {}, {}\",{}.{:02},{}\n", i, i, changed ? "v2" : "v1",
                           i % 1000, i % 100, i % 37);
    }
    out.close();
    std::filesystem::rename(path.string() + ".tmp", path);
}

TEST(UplinkRelayTest, HundredThousandCsvRowsReachTheRelaysRecordsExactly) {
    const char* base = std::getenv("CS_TEST_PG_DSN");
    if (base == nullptr) {
        GTEST_SKIP() << "CS_TEST_PG_DSN is not set (scripts/test starts PostgreSQL)";
    }
    ASSERT_TRUE(std::filesystem::exists(kRelay)) << kRelay << " is not built";
    agent::testing::TempDir dir;
    const auto work = dir.path();

    Pg admin(base);
    ASSERT_TRUE(admin.ok()) << admin.error();
    const std::string dbname = fmt::format("cs_uplink_{}_{}", ::getpid(), std::time(nullptr));
    admin.query("CREATE DATABASE " + dbname);
    struct DropDatabase {
        Pg& admin;
        std::string name;
        ~DropDatabase() { admin.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); }
    } drop{admin, dbname};

    const auto relay_json = work / "relay.json";
    std::ofstream(relay_json) << nlohmann::json{
        {"listen", {{"address", "127.0.0.1"}, {"port", 0}}},
        {"tls",
         {{"certificate_file", testing::tls_file("server.pem")},
          {"private_key_file", testing::tls_file("server.key")}}},
        {"database", {{"dsn", admin.dsn_for(dbname)}}},
        {"metrics", {{"listen", "127.0.0.1:0"}}},
        {"data_dir", work.string()},
        {"logging",
         {{"level", "warn"}}}}.dump(2);
    const std::string config = relay_json.string();
    ASSERT_EQ(run_program(kRelay, {"migrate", "--config", config}, work).first, 0);
    ASSERT_EQ(
        run_program(kRelay, {"admin", "create-tenant", "--config", config, "--name", "uplink-test"},
                    work)
            .first,
        0);
    auto [site_rc, site_out] = run_program(kRelay,
                                           {"admin", "create-site", "--config", config, "--tenant",
                                            "uplink-test", "--name", "site-1", "--json"},
                                           work);
    ASSERT_EQ(site_rc, 0);
    auto site = nlohmann::json::parse(site_out);
    const std::string site_id = site["site_id"];
    const auto key_file = work / "site.key";
    std::ofstream(key_file) << site["site_key"].get<std::string>() << "\n";
    std::filesystem::permissions(
        key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

    ChildProcess relay(kRelay, {"serve", "--config", config}, work, "relay");
    int port = 0;
    for (int i = 0; i < 300 && port == 0; ++i) {
        std::ifstream in(work / "relay.port");
        in >> port;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_GT(port, 0) << "the relay did not report its port: " << relay.err();

    std::filesystem::create_directories(work / "drop");
    std::ofstream(work / "agent.json") << nlohmann::json{
        {"agent", {{"state_dir", "state"}, {"log", {{"level", "warn"}}}}},
        {"relay",
         {{"url", fmt::format("wss://127.0.0.1:{}/v1/agent", port)},
          {"site_key", {{"file", key_file.string()}}},
          {"ca_file", testing::tls_file("ca.pem")},
          {"proxy", "direct"}}},
        {"sources", {{"drop", {{"type", "folder"}, {"path", "drop"}, {"stable_for", "0s"}}}}},
        {"entities",
         {{{"name", "items"},
           {"source", "drop"},
           {"key", {"item_id"}},
           {"fields",
            {{{"name", "item_id"}, {"from", "item_id"}},
             {{"name", "name"}, {"from", "name"}},
             {{"name", "price"}, {"from", "price"}, {"type", "decimal"}},
             {{"name", "qty"},
              {"from", "qty"},
              {"type", "integer"}}}}}}}}.dump(2);
    const std::string agent_config = (work / "agent.json").string();
    const auto state_db = work / "state" / "state.db";
    Pg records(admin.dsn_for(dbname));
    ASSERT_TRUE(records.ok()) << records.error();

    // First sync: every row is an insert.
    write_csv(work / "drop" / "items-1.csv", 100'000, 0, 0);
    ASSERT_EQ(run_program(kAgent, {"sync", "-c", agent_config}, work).first, 0);
    ASSERT_EQ(
        run_program(kAgent, {"push", "-c", agent_config, "--timeout", "5m"}, work, {}, 6min).first,
        0);
    auto expected = agent_state(state_db, "items");
    ASSERT_EQ(expected.size(), 100'000u);
    EXPECT_TRUE(relay_records(records, site_id, "items") == expected);
    // Reports and the heartbeat arrived too.
    EXPECT_EQ(records.query(fmt::format("SELECT count(*) FROM sync_runs WHERE site_id = '{}' AND "
                                        "entity = 'items' AND started_at IS NOT NULL",
                                        site_id))[0][0],
              "1");
    auto failed = records.query(fmt::format(
        "SELECT stage, field, error FROM failed_rows WHERE site_id = '{}' AND entity = 'items'",
        site_id));
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0][1], "price");
    auto status = records.query(fmt::format(
        "SELECT status->>'agent_version', status->'outbox'->>'depth' FROM sites WHERE site_id = "
        "'{}'",
        site_id));
    ASSERT_EQ(status.size(), 1u);
    EXPECT_FALSE(status[0][0].empty());

    // Second sync: 1 row in 97 changes, 500 rows disappear (a snapshot file: deleted).
    write_csv(work / "drop" / "items-2.csv", 100'000, 97, 40'000);
    ASSERT_EQ(run_program(kAgent, {"sync", "-c", agent_config}, work).first, 0);
    ASSERT_EQ(
        run_program(kAgent, {"push", "-c", agent_config, "--timeout", "5m"}, work, {}, 6min).first,
        0);
    expected = agent_state(state_db, "items");
    ASSERT_EQ(expected.size(), 99'500u);
    EXPECT_TRUE(relay_records(records, site_id, "items") == expected);
    EXPECT_EQ(records.query(fmt::format(
                  "SELECT count(*) FROM records WHERE site_id = '{}' AND deleted", site_id))[0][0],
              "500");

    relay.signal(SIGTERM);
    EXPECT_EQ(relay.wait(30s), 0) << relay.err();
}

}  // namespace
}  // namespace cs::agent::ship

// The REST API against the real relay and a real agent (`contractsync-agent
// run`), both processes, over TLS: the site turns online, a sync_now issued
// through the API makes the agent run the entity and report back, the result
// and the synced records are visible through the API, and the site goes
// offline within 60 s of the agent stopping and back online when it returns.
#include <chrono>
#include <fstream>
#include <thread>

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/agent/agent_test_support.hpp"
#include "tests/agent/ship/child_process.hpp"
#include "tests/agent/ship/ship_test_support.hpp"

namespace cs::api_e2e {
namespace {

using agent::ship::testing::ChildProcess;
using agent::ship::testing::run_program;
using agent::ship::testing::tls_file;
using namespace std::chrono_literals;
using nlohmann::json;

const std::filesystem::path kAgent =
    std::filesystem::path(CS_BINARY_DIR) / "agent/contractsync-agent";
const std::filesystem::path kRelay =
    std::filesystem::path(CS_BINARY_DIR) / "relay/contractsync-relay";

// An HTTPS client for the API: session cookie + CSRF token after login().
class ApiClient {
public:
    explicit ApiClient(int port) : base_(fmt::format("https://127.0.0.1:{}", port)) {}

    struct Reply {
        long status = 0;
        json body;
        std::string raw;
        std::string set_cookie;
    };

    Reply call(const std::string& method, const std::string& path, const json& body = nullptr,
               const std::string& tenant = {}) {
        Reply r;
        CURL* curl = curl_easy_init();
        curl_slist* headers = nullptr;
        headers = curl_slist_append(headers, "Content-Type: application/json");
        if (!cookie_.empty()) {
            headers = curl_slist_append(headers, ("Cookie: " + cookie_).c_str());
            headers = curl_slist_append(headers, ("X-CSRF-Token: " + csrf_).c_str());
        }
        if (!tenant.empty()) {
            headers = curl_slist_append(headers, ("X-Tenant-Id: " + tenant).c_str());
        }
        std::string payload = body.is_null() ? "" : body.dump();
        auto url = base_ + path;
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_CAINFO, tls_file("ca.pem").c_str());
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
        if (!body.is_null()) {
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
        }
        curl_easy_setopt(
            curl, CURLOPT_WRITEFUNCTION, +[](char* p, size_t s, size_t n, void* u) {
                static_cast<std::string*>(u)->append(p, s * n);
                return s * n;
            });
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.raw);
        curl_easy_setopt(
            curl, CURLOPT_HEADERFUNCTION, +[](char* p, size_t s, size_t n, void* u) {
                std::string line(p, s * n);
                if (line.rfind("set-cookie:", 0) == 0 || line.rfind("Set-Cookie:", 0) == 0) {
                    *static_cast<std::string*>(u) = line.substr(11);
                }
                return s * n;
            });
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.set_cookie);
        auto rc = curl_easy_perform(curl);
        EXPECT_EQ(rc, CURLE_OK) << method << " " << path << ": " << curl_easy_strerror(rc);
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
        r.body = json::parse(r.raw, nullptr, false);
        return r;
    }

    void login(const std::string& email, const std::string& password) {
        auto r = call("POST", "/api/v1/auth/login", {{"email", email}, {"password", password}});
        ASSERT_EQ(r.status, 200) << r.raw;
        auto c = r.set_cookie;
        while (!c.empty() && c.front() == ' ') {
            c.erase(0, 1);
        }
        cookie_ = c.substr(0, c.find(';'));
        csrf_ = r.body["csrf_token"];
    }

private:
    std::string base_;
    std::string cookie_;
    std::string csrf_;
};

std::string random_password() {
    std::string out = "pw-";
    std::srand(static_cast<unsigned>(::getpid() ^ std::time(nullptr)));
    for (int i = 0; i < 24; ++i) {
        out += static_cast<char>('a' + std::rand() % 26);
    }
    return out;
}

void write_private(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text << "\n";
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

template <typename Predicate>
bool wait_until(Predicate done, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(250ms);
    }
    return done();
}

TEST(ApiAgentTest, SyncNowThroughTheApiAndOnlineOfflineTracking) {
    const char* base = std::getenv("CS_TEST_PG_DSN");
    if (base == nullptr) {
        GTEST_SKIP() << "CS_TEST_PG_DSN is not set (scripts/test starts PostgreSQL)";
    }
    agent::testing::TempDir dir;
    const auto work = dir.path();
    PGconn* admin = PQconnectdb(base);
    ASSERT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
    const std::string dbname = fmt::format("cs_api_e2e_{}_{}", ::getpid(), std::time(nullptr));
    PQclear(PQexec(admin, ("CREATE DATABASE " + dbname).c_str()));
    struct Drop {
        PGconn* admin;
        std::string name;
        ~Drop() {
            PQclear(PQexec(admin, ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").c_str()));
            PQfinish(admin);
        }
    } drop{admin, dbname};

    std::ofstream(work / "relay.json") << json{
        {"listen", {{"address", "127.0.0.1"}, {"port", 0}}},
        {"tls",
         {{"certificate_file", tls_file("server.pem")},
          {"private_key_file", tls_file("server.key")}}},
        {"database",
         {{"dsn", fmt::format("host={} port={} user={} dbname={}", PQhost(admin), PQport(admin),
                              PQuser(admin), dbname)}}},
        {"agents", {{"heartbeat_seconds", 2}}},
        {"api", {{"argon2_memory_kib", 1024}, {"argon2_iterations", 1}}},
        {"metrics", {{"listen", "127.0.0.1:0"}}},
        {"data_dir", work.string()},
        {"logging", {{"level", "warn"}}}}.dump(2);
    const std::string config = (work / "relay.json").string();
    ASSERT_EQ(run_program(kRelay, {"migrate", "--config", config}, work).first, 0);
    const auto password = random_password();
    write_private(work / "admin.password", password);
    ASSERT_EQ(
        run_program(kRelay,
                    {"admin", "create-user", "--config", config, "--email", "ops@example.test",
                     "--role", "admin", "--password-file", (work / "admin.password").string()},
                    work)
            .first,
        0);

    ChildProcess relay(kRelay, {"serve", "--config", config}, work, "relay");
    int port = 0;
    ASSERT_TRUE(wait_until(
        [&] {
            std::ifstream in(work / "relay.port");
            in >> port;
            return port > 0;
        },
        30s))
        << relay.err();

    ApiClient api(port);
    api.login("ops@example.test", password);
    auto tenant = api.call("POST", "/api/v1/tenants", {{"name", "e2e"}});
    ASSERT_EQ(tenant.status, 201) << tenant.raw;
    const std::string tenant_id = tenant.body["tenant_id"];
    auto site = api.call("POST", "/api/v1/sites", {{"name", "branch-1"}}, tenant_id);
    ASSERT_EQ(site.status, 201) << site.raw;
    const std::string site_id = site.body["site_id"];
    EXPECT_EQ(site.body["state"], "never_connected");
    write_private(work / "site.key", site.body["site_key"].get<std::string>());

    std::filesystem::create_directories(work / "drop");
    std::ofstream(work / "agent.json")
        << json{{"agent", {{"state_dir", "state"}, {"log", {{"level", "warn"}}}}},
                {"relay",
                 {{"url", fmt::format("wss://127.0.0.1:{}/v1/agent", port)},
                  {"site_key", {{"file", (work / "site.key").string()}}},
                  {"ca_file", tls_file("ca.pem")},
                  {"proxy", "direct"}}},
                {"sources",
                 {{"drop", {{"type", "folder"}, {"path", "drop"}, {"stable_for", "0s"}}}}},
                {"entities",
                 {{{"name", "items"},
                   {"source", "drop"},
                   {"key", {"item_id"}},
                   {"schedule", {{"every", "24h"}}},
                   {"fields",
                    {{{"name", "item_id"}, {"from", "item_id"}},
                     {{"name", "price"}, {"from", "price"}, {"type", "decimal"}}}}}}}}
               .dump(2);
    const std::string agent_config = (work / "agent.json").string();
    auto site_path = "/api/v1/sites/" + site_id;
    auto state = [&] { return api.call("GET", site_path, nullptr, tenant_id).body["state"]; };

    {
        ChildProcess agent(kAgent, {"run", "-c", agent_config}, work, "agent");
        ASSERT_TRUE(wait_until([&] { return state() == "ok"; }, 30s))
            << "site never came online: " << agent.err();
        auto detail = api.call("GET", site_path, nullptr, tenant_id);
        EXPECT_FALSE(detail.body["agent_version"].is_null());
        EXPECT_EQ(detail.body["connections"].size(), 1u);

        // A file arrives; the schedule would wait a day, sync_now runs it now.
        std::ofstream(work / "drop" / "items.csv") << "item_id,price\nA-1,1.50\nA-2,2.25\n";
        auto command = api.call("POST", site_path + "/commands",
                                {{"command", "sync_now"}, {"entity", "items"}}, tenant_id);
        ASSERT_EQ(command.status, 202) << command.raw;
        const std::string command_id = command.body["command_id"];
        json result;
        ASSERT_TRUE(wait_until(
            [&] {
                result =
                    api.call("GET", site_path + "/commands/" + command_id, nullptr, tenant_id).body;
                return result["status"] == "succeeded" || result["status"] == "failed";
            },
            60s))
            << result.dump() << "\n"
            << agent.err();
        EXPECT_EQ(result["status"], "succeeded") << result.dump();
        ASSERT_TRUE(result["run_id"].is_string()) << result.dump();
        const std::string run_id = result["run_id"];
        // The run and its rows arrive through the same link.
        json runs;
        ASSERT_TRUE(wait_until(
            [&] {
                runs = api.call("GET", site_path + "/runs?entity=items", nullptr, tenant_id).body;
                for (const auto& r : runs["items"]) {
                    if (r["run_id"] == run_id) {
                        return true;
                    }
                }
                return false;
            },
            30s))
            << runs.dump();
        json records;
        ASSERT_TRUE(wait_until(
            [&] {
                records = api.call("GET", site_path + "/entities/items/records?field.item_id=A-2",
                                   nullptr, tenant_id)
                              .body;
                return records["items"].size() == 1;
            },
            30s))
            << records.dump();
        EXPECT_EQ(records["items"][0]["data"]["price"].dump(), "2.25");

        // Stop the agent: offline within 60 s.
        agent.signal(SIGTERM);
        EXPECT_EQ(agent.wait(30s), 0) << agent.err();
        auto stopped = std::chrono::steady_clock::now();
        ASSERT_TRUE(wait_until([&] { return state() == "offline"; }, 60s));
        EXPECT_LT(std::chrono::steady_clock::now() - stopped, 60s);
    }
    // Back online on reconnect, with a second connection in the history.
    ChildProcess agent(kAgent, {"run", "-c", agent_config}, work, "agent2");
    ASSERT_TRUE(wait_until([&] { return state() == "ok"; }, 30s)) << agent.err();
    auto connections = api.call("GET", site_path + "/connections", nullptr, tenant_id);
    ASSERT_EQ(connections.body["items"].size(), 2u) << connections.raw;
    EXPECT_FALSE(connections.body["items"][1]["disconnected_at"].is_null());
    auto fleet = api.call("GET", "/api/v1/fleet/summary");
    EXPECT_EQ(fleet.body["online"], 1) << fleet.raw;
    // Killed outright, with no goodbye: offline within 60 s as well.
    agent.signal(SIGKILL);
    agent.wait(30s);
    auto killed = std::chrono::steady_clock::now();
    ASSERT_TRUE(wait_until([&] { return state() == "offline"; }, 60s));
    EXPECT_LT(std::chrono::steady_clock::now() - killed, 60s);
    relay.signal(SIGTERM);
    EXPECT_EQ(relay.wait(30s), 0) << relay.err();
}

}  // namespace
}  // namespace cs::api_e2e

// p21sim as a process on 127.0.0.1: tokens, both paging modes, every fault, TLS, shutdown.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/tools/p21sim/tests/sim_process.hpp"

namespace cs::p21sim {
namespace {

using nlohmann::json;
using testing::Call;
using testing::encode;
using testing::http;
using testing::Reply;
using testing::SimProcess;

const std::string kItems = "/odataservice/odata/table/inv_mast";

std::string get_token(const SimProcess& sim, const std::string& ca_file = "") {
    Reply r = http({.method = "POST",
                    .url = sim.origin() + "/api/security/token/v2",
                    .body = R"({"username":"p21sim","password":"pw"})",
                    .headers = {"Content-Type: application/json"},
                    .ca_file = ca_file});
    EXPECT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body)["AccessToken"].get<std::string>() : "";
}

Reply get(const SimProcess& sim, const std::string& path, const std::string& token,
          long timeout_ms = 20'000) {
    return http({.url = sim.origin() + path,
                 .headers = {"Authorization: Bearer " + token},
                 .timeout_ms = timeout_ms});
}

json admin(const SimProcess& sim, const std::string& path, const std::string& body = "") {
    Reply r = http({.method = body.empty() ? "GET" : "POST",
                    .url = sim.origin() + path,
                    .body = body,
                    .headers = {"Content-Type: application/json"}});
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.status == 200 ? json::parse(r.body) : json();
}

const std::string kFilter = "$filter=" + encode("delete_flag eq 'N' and list_price gt 10.5");

// Pages with $top/$skip; returns rows seen and checks each page's count.
std::size_t page_by_skip(const SimProcess& sim, const std::string& token, std::int64_t& count) {
    std::size_t rows = 0;
    for (int skip = 0;; skip += 1000) {
        Reply r = get(sim,
                      kItems + "?$count=true&$top=1000&$skip=" + std::to_string(skip) +
                          "&$select=inv_mast_uid,item_id&" + kFilter,
                      token);
        EXPECT_EQ(r.status, 200) << r.body;
        json page = json::parse(r.body);
        count = page["@odata.count"];
        rows += page["value"].size();
        EXPECT_FALSE(page.contains("@odata.nextLink"));
        if (page["value"].size() < 1000) {
            return rows;
        }
    }
}

std::size_t page_by_link(const SimProcess& sim, const std::string& token, std::int64_t& count) {
    std::size_t rows = 0;
    std::string url =
        sim.origin() + kItems + "?$count=true&$select=inv_mast_uid,item_id&" + kFilter;
    while (!url.empty()) {
        Reply r = http({.url = url, .headers = {"Authorization: Bearer " + token}});
        EXPECT_EQ(r.status, 200) << r.body;
        json page = json::parse(r.body);
        count = page["@odata.count"];
        EXPECT_LE(page["value"].size(), 700u);
        rows += page["value"].size();
        url = page.value("@odata.nextLink", "");
    }
    return rows;
}

TEST(P21SimProcess, PagesATableBothWaysWithTheSameResult) {
    SimProcess client({"--rows", "inv_mast=20000", "--seed", "3"});
    SimProcess server(
        {"--rows", "inv_mast=20000", "--seed", "3", "--paging", "nextlink", "--page-size", "700"});
    ASSERT_TRUE(client.started());
    ASSERT_TRUE(server.started());
    std::int64_t client_count = 0;
    std::int64_t server_count = 0;
    std::size_t client_rows = page_by_skip(client, get_token(client), client_count);
    std::size_t server_rows = page_by_link(server, get_token(server), server_count);
    EXPECT_EQ(static_cast<std::int64_t>(client_rows), client_count);
    EXPECT_EQ(static_cast<std::int64_t>(server_rows), server_count);
    EXPECT_EQ(client_count, server_count);
    EXPECT_GT(client_count, 15000);
    EXPECT_LT(client_count, 20000);
    EXPECT_EQ(admin(client, "/__admin/stats")["rows_served"], client_count);
    EXPECT_EQ(client.stop(), 0);  // SIGTERM is a clean shutdown
    EXPECT_EQ(server.stop(), 0);
}

TEST(P21SimProcess, EveryFaultFires) {
    SimProcess sim({"--rows", "inv_mast=2000"});
    ASSERT_TRUE(sim.started());
    std::string token = get_token(sim);
    const std::string page = kItems + "?$top=200";

    admin(sim, "/__admin/faults", R"({"error_every": 2})");
    EXPECT_EQ(get(sim, page, token).status, 200);
    EXPECT_EQ(get(sim, page, token).status, 500);

    admin(sim, "/__admin/faults", R"({"clear": true, "rate_limit": "2/min"})");
    EXPECT_EQ(get(sim, page, token).status, 200);
    EXPECT_EQ(get(sim, page, token).status, 200);
    Reply limited = get(sim, page, token);
    EXPECT_EQ(limited.status, 429);
    EXPECT_GE(std::stoi(limited.headers["retry-after"]), 1);

    admin(sim, "/__admin/faults", R"({"clear": true, "force_429": 1, "retry_after_s": 3})");
    Reply forced = get(sim, page, token);
    EXPECT_EQ(forced.status, 429);
    EXPECT_EQ(forced.headers["retry-after"], "3");

    admin(sim, "/__admin/faults", R"({"clear": true, "latency_ms": 300})");
    EXPECT_GE(get(sim, page, token).seconds, 0.29);

    admin(sim, "/__admin/faults", R"({"clear": true, "truncate_page": 1})");
    Reply cut = get(sim, page, token);
    EXPECT_EQ(cut.code, CURLE_PARTIAL_FILE) << curl_easy_strerror(cut.code);
    EXPECT_EQ(get(sim, page, token).status, 200);  // the next page is whole again

    admin(sim, "/__admin/faults", R"({"clear": true, "stall_page": 1, "stall_ms": 3000})");
    Reply stalled = get(sim, page, token, 500);
    EXPECT_EQ(stalled.code, CURLE_OPERATION_TIMEDOUT) << curl_easy_strerror(stalled.code);

    admin(sim, "/__admin/faults", R"({"clear": true, "expire_token_page": 2})");
    EXPECT_EQ(get(sim, page, token).status, 200);
    Reply expired = get(sim, page, token);
    EXPECT_EQ(expired.status, 401);
    EXPECT_NE(expired.body.find("expired"), std::string::npos);
    token = get_token(sim);

    admin(sim, "/__admin/faults", R"({"clear": true, "token_max_requests": 1})");
    EXPECT_EQ(get(sim, page, token).status, 200);
    EXPECT_EQ(get(sim, page, token).status, 401);
    token = get_token(sim);
    EXPECT_EQ(get(sim, page, token).status, 200);

    json faults = admin(sim, "/__admin/stats")["faults"];
    EXPECT_EQ(faults["errors_500"], 1);
    EXPECT_EQ(faults["rate_limited_429"], 1);
    EXPECT_EQ(faults["forced_429"], 1);
    EXPECT_GE(faults["delayed"], 1);
    EXPECT_EQ(faults["truncated"], 1);
    EXPECT_EQ(faults["stalled"], 1);
    EXPECT_EQ(faults["tokens_expired"], 1);
    EXPECT_EQ(sim.stop(), 0);
}

TEST(P21SimProcess, IncrementalSyncSeesMutationsAfterTheWatermark) {
    SimProcess sim(
        {"--rows", "inv_mast=5000", "--clock", "2025-07-01T12:00:00Z", "--freeze-clock"});
    ASSERT_TRUE(sim.started());
    std::string token = get_token(sim);
    const std::string since = kItems + "?$select=inv_mast_uid,date_last_modified&$filter=" +
                              encode("date_last_modified ge 2025-07-01T00:00:00Z") + "&$count=true";
    EXPECT_EQ(json::parse(get(sim, since, token).body)["@odata.count"], 0);
    json updated = admin(sim, "/__admin/table/inv_mast/update", R"({"count": 25})");
    admin(sim, "/__admin/clock", R"({"advance_seconds": 60})");
    json inserted = admin(sim, "/__admin/table/inv_mast/insert", R"({"count": 5})");
    json page = json::parse(get(sim, since, token).body);
    EXPECT_EQ(page["@odata.count"], 30);
    EXPECT_EQ(page["value"][0]["date_last_modified"], "2025-07-01T07:00:00");  // CDT, naive
    json truth = admin(sim, "/__admin/table/inv_mast?key=" + inserted["keys"][0].dump());
    EXPECT_EQ(truth["rows"][0]["date_last_modified"], "2025-07-01T07:01:00");
    EXPECT_EQ(updated["keys"].size(), 25u);
}

TEST(P21SimProcess, ServesHttpsWithAGeneratedCertificate) {
    char pattern[] = "/tmp/p21sim-tls-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    std::filesystem::path dir(pattern);
    SimProcess sim({"--tls-self-signed", dir.string(), "--rows", "inv_mast=100"});
    ASSERT_TRUE(sim.started());
    EXPECT_EQ(sim.origin().rfind("https://127.0.0.1:", 0), 0u) << sim.origin();
    std::string ca = (dir / "ca.crt").string();
    std::string token = get_token(sim, ca);
    Reply r = http({.url = sim.origin() + kItems + "?$top=5",
                    .headers = {"Authorization: Bearer " + token},
                    .ca_file = ca});
    EXPECT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
    EXPECT_EQ(json::parse(r.body)["value"].size(), 5u);
    Reply untrusted = http({.url = sim.origin() + kItems});  // the system CAs do not know it
    EXPECT_NE(untrusted.code, CURLE_OK);
    EXPECT_EQ(sim.stop(), 0);
    std::filesystem::remove_all(dir);
}

TEST(P21SimProcess, LimitsRequestSizesAndAnswersExpectContinue) {
    SimProcess sim({"--rows", "inv_mast=10"});
    ASSERT_TRUE(sim.started());
    std::string long_filter = "$filter=" + encode("item_id eq '" + std::string(70'000, 'x') + "'");
    EXPECT_EQ(get(sim, kItems + "?" + long_filter, "t").status, 431);
    Reply big = http({.method = "POST",
                      .url = sim.origin() + "/api/security/token/v2",
                      .body = std::string(100'000, ' '),
                      .headers = {"Content-Type: application/json"}});
    EXPECT_EQ(big.status, 413);
    EXPECT_FALSE(get_token(sim).empty());  // the server keeps serving
    Reply expecting = http({.method = "POST",
                            .url = sim.origin() + "/api/security/token/v2",
                            .body = R"({"username":"p21sim","password":"pw"})",
                            .headers = {"Content-Type: application/json", "Expect: 100-continue"}});
    EXPECT_EQ(expecting.status, 200);
    ASSERT_EQ(expecting.status_lines.size(), 2u);
    EXPECT_EQ(expecting.status_lines[0], "HTTP/1.1 100 Continue");
    EXPECT_EQ(sim.stop(), 0);
}

TEST(P21SimProcess, RefusesToStartWithoutCredentials) {
    SimProcess sim({}, {{"P21SIM_PASSWORD", ""}, {"P21SIM_CONSUMER_KEY", ""}});
    EXPECT_FALSE(sim.started());
}

}  // namespace
}  // namespace cs::p21sim

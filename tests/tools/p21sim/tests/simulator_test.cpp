// The simulator's HTTP behaviour through Simulator::handle(), without sockets.
#include "tests/tools/p21sim/simulator.hpp"

#include <cctype>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cs::p21sim {
namespace {

using nlohmann::json;

constexpr std::int64_t kClock = 1'750'000'000'000;  // 2025-06-15T15:06:40Z

Config small_config() {
    Config c;
    c.tokens = {.user = "api", .password = "pw", .consumer_key = "ck"};
    c.rows = parse_row_counts("inv_mast=300,supplier=10,customer=20,product_group=5").value();
    c.data_end_ms = 1748736000000;
    c.clock_start_ms = kClock;
    c.clock_frozen = true;
    c.deny_tables = {"customer"};
    return c;
}

class SimulatorTest : public ::testing::Test {
protected:
    void start(Config config = small_config()) {
        auto sim = Simulator::create(std::move(config));
        ASSERT_TRUE(sim) << sim.error().message;
        sim_ = std::move(*sim);
    }
    void SetUp() override { start(); }

    HttpResponse call(std::string method, std::string target, std::string body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
        HttpRequest request{.method = std::move(method),
                            .target = std::move(target),
                            .body = std::move(body),
                            .headers = std::move(headers)};
        request.headers.emplace_back("host", "sim.test:8080");
        return sim_->handle(request);
    }

    std::string token() {
        auto r = call("POST", "/api/security/token/v2", R"({"username":"api","password":"pw"})");
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body)["AccessToken"].get<std::string>();
    }

    HttpResponse get(const std::string& target, const std::string& bearer) {
        return call("GET", target, "", {{"authorization", "Bearer " + bearer}});
    }

    json get_json(const std::string& target, const std::string& bearer, int status = 200) {
        HttpResponse r = get(target, bearer);
        EXPECT_EQ(r.status, status) << target << ": " << r.body;
        return json::parse(r.body);
    }

    json admin(const std::string& method, const std::string& target, const std::string& body = "") {
        HttpResponse r = call(method, target, body);
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return json::parse(r.body);
    }

    std::unique_ptr<Simulator> sim_;
};

TEST_F(SimulatorTest, IssuesTokensInEveryP21Form) {
    auto user = json::parse(
        call("POST", "/api/security/token/v2", R"({"username":"API","password":"pw"})").body);
    EXPECT_TRUE(user.contains("AccessToken"));
    EXPECT_TRUE(user.contains("RefreshToken"));
    EXPECT_EQ(user["ExpiresInSeconds"], 86400);
    auto refreshed =
        call("POST", "/api/security/token/v2",
             json{{"GrantType", "refresh_token"}, {"RefreshToken", user["RefreshToken"]}}.dump());
    EXPECT_EQ(refreshed.status, 200) << refreshed.body;
    auto consumer = json::parse(call("POST", "/api/security/token/v2",
                                     R"({"ClientSecret":"ck","GrantType":"client_credentials"})")
                                    .body);
    EXPECT_EQ(consumer["TokenType"], "Bearer");
    EXPECT_EQ(consumer["ExpiresIn"], 86400);
    EXPECT_TRUE(consumer.contains("Scope"));
    auto legacy =
        call("POST", "/api/security/token", "", {{"username", "api"}, {"password", "pw"}});
    EXPECT_EQ(legacy.status, 200);
}

TEST_F(SimulatorTest, RefusesBadTokenRequests) {
    auto wrong = call("POST", "/api/security/token/v2", R"({"username":"api","password":"no"})");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(json::parse(wrong.body)["error"]["code"], "401");
    EXPECT_EQ(call("POST", "/api/security/token/v2", "{not json").status, 400);
    EXPECT_EQ(call("GET", "/api/security/token/v2").status, 405);
    EXPECT_EQ(call("POST", "/api/security/token", "", {{"username", "api"}}).status, 401);
}

TEST_F(SimulatorTest, DataNeedsAValidToken) {
    EXPECT_EQ(call("GET", "/odataservice/odata/table/inv_mast").status, 401);
    EXPECT_EQ(get("/odataservice/odata/table/inv_mast", "nope").status, 401);
    std::string first = token();
    std::string second = token();  // a new session invalidates the first
    EXPECT_EQ(get("/odataservice/odata/table/inv_mast?$top=1", first).status, 401);
    EXPECT_EQ(get("/odataservice/odata/table/inv_mast?$top=1", second).status, 200);
    // The token TTL runs on the simulator clock.
    admin("POST", "/__admin/clock", R"({"advance_seconds": 86400})");
    EXPECT_EQ(get("/odataservice/odata/table/inv_mast?$top=1", second).status, 401);
}

TEST_F(SimulatorTest, ServesTablesViewsAndDataServicesAlike) {
    std::string t = token();
    auto table = get_json("/odataservice/odata/table/supplier?$count=true", t);
    auto view = get_json("/odataservice/odata/view/p21_view_supplier?$count=true", t);
    auto service = get_json("/api/dataservices/p21_view_supplier?$count=true", t);
    EXPECT_EQ(table["@odata.count"], 10);
    EXPECT_EQ(table["value"], view["value"]);
    EXPECT_EQ(table["value"], service["value"]);
    EXPECT_EQ(table["@odata.context"],
              "http://sim.test:8080/odataservice/odata/table/$metadata#supplier");
    EXPECT_EQ(get_json("/odataservice/odata/table/", t)["value"].size(), 6u);
    EXPECT_EQ(get("/odataservice/odata/table/$metadata", t).content_type, "application/xml");
}

TEST_F(SimulatorTest, AnswersErrorsLikeP21) {
    std::string t = token();
    auto missing = get_json("/odataservice/odata/table/no_such", t, 404);
    EXPECT_EQ(missing["error"]["code"], "404");
    auto denied = get_json("/odataservice/odata/table/customer", t, 403);
    EXPECT_EQ(denied["error"]["message"], "You are not authorized to access API");
    get_json("/odataservice/odata/view/p21_view_customer", t, 403);
    get_json("/odataservice/odata/table/inv_mast?$filter=date_last_modified%20gt%20now()", t, 404);
    auto bad = get_json("/odataservice/odata/table/inv_mast?$filter=inv_mast_uid%20eq", t, 400);
    EXPECT_NE(bad["error"]["message"].get<std::string>().find("syntax error"), std::string::npos);
    EXPECT_EQ(get("/odataservice/odata/table/inv_mast?$filter=%zz", t).status, 400);
    EXPECT_EQ(call("DELETE", "/odataservice/odata/table/inv_mast").status, 405);
    EXPECT_EQ(call("GET", "/nowhere").status, 404);
}

TEST_F(SimulatorTest, FindsItemIdsWithCharactersThatNeedEncoding) {
    std::string t = token();
    auto all = get_json("/odataservice/odata/table/inv_mast?$select=item_id&$top=300", t);
    int found = 0;
    for (const auto& row : all["value"]) {
        std::string id = row["item_id"];
        if (id.find_first_of("/+# &'") == std::string::npos) {
            continue;
        }
        std::string literal;
        for (char c : id) {
            literal += c == '\'' ? std::string("''") : std::string(1, c);
        }
        std::string filter = "item_id eq '" + literal + "'";
        std::string encoded;
        for (unsigned char c : filter) {
            encoded += std::isalnum(c) || c == '_' ? std::string(1, static_cast<char>(c))
                                                   : fmt::format("%{:02X}", c);
        }
        auto hit =
            get_json("/odataservice/odata/table/inv_mast?$select=item_id&$filter=" + encoded, t);
        ASSERT_EQ(hit["value"].size(), 1u) << id;
        EXPECT_EQ(hit["value"][0]["item_id"], id);
        ++found;
    }
    EXPECT_GT(found, 5);
}

TEST_F(SimulatorTest, PagesByNextLinkInServerPagingMode) {
    Config config = small_config();
    config.paging = Paging::nextlink;
    config.page_size = 100;
    start(config);
    std::string t = token();
    std::string next =
        "/odataservice/odata/table/"
        "inv_mast?$select=inv_mast_uid&$filter=delete_flag%20eq%20'N'&$count=true";
    std::size_t rows = 0;
    int pages = 0;
    std::int64_t count = -1;
    while (!next.empty()) {
        auto page = get_json(next, t);
        count = page["@odata.count"];
        rows += page["value"].size();
        ++pages;
        next.clear();
        if (page.contains("@odata.nextLink")) {
            std::string link = page["@odata.nextLink"];
            ASSERT_EQ(link.rfind("http://sim.test:8080/", 0), 0u) << link;
            next = link.substr(std::string("http://sim.test:8080").size());
        }
    }
    EXPECT_EQ(static_cast<std::int64_t>(rows), count);
    EXPECT_EQ(pages, static_cast<int>((rows + 99) / 100));
}

TEST_F(SimulatorTest, GenericSurfaceIsShapedDifferently) {
    Config config = small_config();
    config.generic_page_size = 64;
    start(config);
    auto doc = json::parse(call("GET", "/generic/v4/").body);
    EXPECT_EQ(doc["value"].size(), 4u);
    EXPECT_EQ(call("GET", "/generic/v4/Products?$skip=10").status, 400);
    std::string next =
        "Products?$filter=Discontinued%20eq%20false&$select=Sku,Discontinued,ModifiedAt";
    std::size_t rows = 0;
    while (!next.empty()) {
        auto r = call("GET", "/generic/v4/" + next);
        ASSERT_EQ(r.status, 200) << r.body;
        auto page = json::parse(r.body);
        for (const auto& row : page["value"]) {
            EXPECT_EQ(row["Discontinued"], false);
            EXPECT_EQ(row["ModifiedAt"].get<std::string>().back(), 'Z');
        }
        rows += page["value"].size();
        next = page.value("@odata.nextLink", "");
        if (!next.empty()) {
            EXPECT_NE(next.find("$skiptoken=o"), std::string::npos) << next;
        }
    }
    EXPECT_GT(rows, 250u);
    EXPECT_LT(rows, 300u);
    EXPECT_EQ(call("GET", "/generic/v4/Nothing").status, 404);
    EXPECT_NE(call("GET", "/generic/v4/$metadata").body.find(R"(<PropertyRef Name="Sku"/>)"),
              std::string::npos);
}

TEST_F(SimulatorTest, AdminMutationsShowUpInQueriesAndReadBack) {
    admin("POST", "/__admin/clock", R"({"set": "2025-06-20T12:00:00Z"})");
    std::string t = token();
    auto updated = admin(
        "POST", "/__admin/table/inv_mast/update",
        R"({"keys": [5, "7"], "set": {"item_desc": "Changed, \"quoted\" ü", "list_price": "9.5"}})");
    EXPECT_EQ(updated["keys"], json({5, 7}));
    auto changed = get_json(
        "/odataservice/odata/table/inv_mast?$filter=date_last_modified%20ge%202025-06-20T12:00:00Z",
        t);
    ASSERT_EQ(changed["value"].size(), 2u);
    EXPECT_EQ(changed["value"][0]["item_desc"], "Changed, \"quoted\" ü");
    EXPECT_EQ(changed["value"][0]["date_last_modified"], "2025-06-20T07:00:00");  // CDT
    auto truth = admin("GET", "/__admin/table/inv_mast?key=5&key=999999");
    EXPECT_EQ(truth["rows"][0]["list_price"].dump(), "9.5");
    EXPECT_EQ(truth["missing"], json({"999999"}));

    auto inserted = admin("POST", "/__admin/table/inv_mast/insert", R"({"count": 3})");
    EXPECT_EQ(inserted["keys"], json({301, 302, 303}));
    admin("POST", "/__admin/table/inv_mast/delete-flag", R"({"keys": [1], "value": "Y"})");
    auto deleted = admin("POST", "/__admin/table/inv_mast/delete", R"({"count": 10})");
    EXPECT_EQ(deleted["keys"].size(), 10u);
    auto summary = admin("GET", "/__admin/table/inv_mast");
    EXPECT_EQ(summary["rows"], 293);
    EXPECT_EQ(get_json("/odataservice/odata/table/inv_mast?$count=true&$top=0", t)["@odata.count"],
              293);
    auto flagged = get_json("/odataservice/odata/table/inv_mast?$filter=inv_mast_uid%20eq%201", t);
    if (!flagged["value"].empty()) {  // key 1 may have been among the deleted rows
        EXPECT_EQ(flagged["value"][0]["delete_flag"], "Y");
    }
    EXPECT_EQ(call("POST", "/__admin/table/inv_mast/delete", R"({"keys": [424242]})").status, 404);
    EXPECT_EQ(
        call("POST", "/__admin/table/inv_mast/update", R"({"keys":[2],"set":{"inv_mast_uid":9}})")
            .status,
        400);
    EXPECT_EQ(
        call("POST", "/__admin/table/inv_mast/update", R"({"keys":[2],"set":{"list_price":"x"}})")
            .status,
        400);

    admin("POST", "/__admin/reset");
    EXPECT_EQ(admin("GET", "/__admin/table/inv_mast")["rows"], 300);
}

TEST_F(SimulatorTest, FaultsChangeAtRuntimeAndAreCounted) {
    std::string t = token();
    auto faults = admin("POST", "/__admin/faults", R"({"error_every": 2, "latency_ms": 5})");
    EXPECT_EQ(faults["error_every"], 2);
    EXPECT_EQ(get("/odataservice/odata/table/supplier", t).status, 200);
    HttpResponse failed = get("/odataservice/odata/table/supplier", t);
    EXPECT_EQ(failed.status, 500);
    EXPECT_EQ(failed.delay_ms, 5);
    admin("POST", "/__admin/faults", R"({"clear": true, "force_429": 1, "retry_after_s": 9})");
    HttpResponse limited = get("/odataservice/odata/table/supplier", t);
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.headers[0], (std::pair<std::string, std::string>{"Retry-After", "9"}));
    admin(
        "POST", "/__admin/faults",
        R"({"clear": true, "truncate_page": 1, "stall_page": 2, "stall_ms": 777, "expire_token_page": 3})");
    EXPECT_TRUE(get("/odataservice/odata/table/supplier", t).truncate);
    EXPECT_EQ(get("/odataservice/odata/table/supplier", t).delay_ms, 777);
    auto expired = get_json("/odataservice/odata/table/supplier", t, 401);
    EXPECT_EQ(expired["error"]["message"], "The access token has expired.");
    EXPECT_EQ(call("POST", "/__admin/faults", R"({"eror_every": 2})").status, 400);
    EXPECT_EQ(call("POST", "/__admin/faults", R"({"error_probability": 2})").status, 400);

    auto stats = admin("GET", "/__admin/stats");
    EXPECT_EQ(stats["faults"]["errors_500"], 1);
    EXPECT_EQ(stats["faults"]["forced_429"], 1);
    EXPECT_EQ(stats["faults"]["truncated"], 1);
    EXPECT_EQ(stats["faults"]["stalled"], 1);
    EXPECT_EQ(stats["faults"]["tokens_expired"], 1);
    EXPECT_EQ(stats["statuses"]["401"], 1);
    EXPECT_EQ(stats["tokens_issued"], 1);
    EXPECT_EQ(stats["requests"]["/odataservice/odata/table/supplier"], 6);
    EXPECT_GT(stats["rows_served"], 0);
}

TEST_F(SimulatorTest, ClockCanBeReadSetAndAdvanced) {
    auto clock = admin("GET", "/__admin/clock");
    EXPECT_EQ(clock["now"], "2025-06-15T15:06:40Z");
    EXPECT_EQ(clock["local"], "2025-06-15T10:06:40-05:00");
    EXPECT_EQ(clock["frozen"], true);
    clock = admin("POST", "/__admin/clock", R"({"advance_seconds": 3600})");
    EXPECT_EQ(clock["now"], "2025-06-15T16:06:40Z");
    clock = admin("POST", "/__admin/clock", R"({"set": "2025-01-01T00:00:00"})");  // local time
    EXPECT_EQ(clock["now"], "2025-01-01T06:00:00Z");
    EXPECT_EQ(call("POST", "/__admin/clock", R"({"set": "yesterday"})").status, 400);
}

TEST_F(SimulatorTest, DatetimeStyleOffsetAddsTheOffset) {
    Config config = small_config();
    config.datetime_style = DateTimeStyle::offset;
    start(config);
    auto page = get_json("/odataservice/odata/table/supplier?$top=1&$select=date_created", token());
    std::string value = page["value"][0]["date_created"];
    EXPECT_TRUE(value.ends_with("-05:00") || value.ends_with("-06:00")) << value;
}

}  // namespace
}  // namespace cs::p21sim

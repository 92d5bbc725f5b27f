// The API's pure parts: query strings, cookies, page tokens, route matching,
// passwords, and the OpenAPI document against the route table.
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "relay/api/api.hpp"
#include "relay/api/auth/password.hpp"
#include "relay/api/http/pagination.hpp"
#include "relay/api/http/query.hpp"
#include "relay/api/http/reply.hpp"

namespace cs::relay::api {
namespace {

TEST(QueryTest, DecodesPercentEscapesAndPlus) {
    auto q = Query::parse("q=a%20b+c&field.item_id=A%2FB&empty=");
    ASSERT_TRUE(q) << q.error().message;
    EXPECT_EQ(q->get("q"), "a b c");
    EXPECT_EQ(q->get("field.item_id"), "A/B");
    EXPECT_EQ(q->get("empty"), "");
    EXPECT_FALSE(q->get("missing").has_value());
}

TEST(QueryTest, RejectsMalformedRepeatedAndTooManyParameters) {
    EXPECT_FALSE(Query::parse("q=%zz"));
    EXPECT_FALSE(Query::parse("q=%4"));
    EXPECT_FALSE(Query::parse("a=1&a=2"));
    std::string many;
    for (int i = 0; i < 65; ++i) {
        many += "p" + std::to_string(i) + "=1&";
    }
    auto q = Query::parse(many);
    ASSERT_FALSE(q);
    EXPECT_EQ(q.error().code, ErrorCode::limit_exceeded);
}

TEST(QueryTest, IntegerBoundsNameTheParameter) {
    auto q = Query::parse("page_size=501").value();
    auto v = q.integer("page_size", 50, 1, 500);
    ASSERT_FALSE(v);
    EXPECT_NE(v.error().message.find("page_size"), std::string::npos);
    EXPECT_EQ(Query::parse("").value().integer("page_size", 50, 1, 500).value(), 50);
}

TEST(CookieTest, FindsTheNamedCookieAmongOthers) {
    EXPECT_EQ(cookie_value("a=1; cs_session=cs_sess_x; b=2", "cs_session"), "cs_sess_x");
    EXPECT_EQ(cookie_value("xcs_session=1", "cs_session"), "");
    EXPECT_EQ(cookie_value("", "cs_session"), "");
}

TEST(PageTokenTest, RoundTripsAndRejectsForeignTokens) {
    nlohmann::json key = nlohmann::json::array({"name ü", 3, "0191"});
    auto token = encode_page_token(key);
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    EXPECT_EQ(decode_page_token(token).value(), key);
    EXPECT_FALSE(decode_page_token("not a token!"));
    EXPECT_FALSE(decode_page_token(encode_page_token(nlohmann::json::object())));
    EXPECT_FALSE(decode_page_token(std::string(5000, 'A')));
}

TEST(PageTokenTest, PageOfCutsAtTheSizeAndPointsAtTheLastItem) {
    PageRequest page;
    page.size = 2;
    std::vector<nlohmann::json> rows = {{{"id", 1}}, {{"id", 2}}, {{"id", 3}}};
    auto out = page_of(rows, page,
                       [](const nlohmann::json& r) { return nlohmann::json::array({r["id"]}); });
    ASSERT_EQ(out["items"].size(), 2u);
    EXPECT_EQ(decode_page_token(out["next_page_token"].get<std::string>()).value(),
              nlohmann::json::array({2}));
    auto last = page_of({rows[2]}, page, [](const nlohmann::json& r) { return r["id"]; });
    EXPECT_TRUE(last["next_page_token"].is_null());
}

TEST(ReplyTest, ErrorsAreProblemDocumentsWithoutInternalDetails) {
    auto r = Reply::from(Error{ErrorCode::not_found, "no site with id x"}).to_http();
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.content_type, "application/problem+json");
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["status"], 404);
    EXPECT_EQ(body["detail"], "no site with id x");
    auto internal = Reply::from(Error{ErrorCode::internal, "secret SQL detail"}).to_http();
    EXPECT_EQ(internal.status, 500);
    EXPECT_EQ(internal.body.find("secret SQL detail"), std::string::npos);
}

TEST(RouteTableTest, LiteralSegmentsWinAndOtherMethodsAre405) {
    RouteTable t;
    t.add({"GET", "/api/v1/things/{id}", kAnyone, Access::scoped, {}, ""});
    t.add({"GET", "/api/v1/things/summary", kAnyone, Access::scoped, {}, ""});
    auto m = t.find("GET", "/api/v1/things/summary");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->path, "/api/v1/things/summary");
    m = t.find("GET", "/api/v1/things/42");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params["id"], "42");
    EXPECT_EQ(t.find("DELETE", "/api/v1/things/42").status, 405);
    EXPECT_EQ(t.find("GET", "/api/v1/things/42/more").status, 404);
}

TEST(PasswordTest, HashesWithArgon2idAndVerifies) {
    PasswordCost cost{64, 1, 1};
    auto hash = hash_password("correct horse battery", cost);
    ASSERT_TRUE(hash) << hash.error().message;
    EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
    EXPECT_EQ(hash->find("correct horse"), std::string::npos);
    EXPECT_TRUE(verify_password(*hash, "correct horse battery"));
    EXPECT_FALSE(verify_password(*hash, "correct horse batterY"));
    EXPECT_NE(*hash, hash_password("correct horse battery", cost).value()) << "salted";
    EXPECT_FALSE(check_password_policy("short"));
    EXPECT_FALSE(check_password_policy(std::string(257, 'x')));
    EXPECT_TRUE(check_password_policy("twelve chars"));
}

// Every route needs one scope: reads, reconciliation changes, everything else.
TEST(ScopeTest, EachRouteNeedsTheScopeOfWhatItDoes) {
    auto routes = build_routes();
    std::map<std::string, Scopes> found;
    for (const auto& r : routes->routes()) {
        if (r.access == Access::scoped) {
            found[r.method + " " + r.path] = r.scope;
        }
    }
    EXPECT_EQ(found.at("GET /api/v1/sites"), kScopeRead);
    EXPECT_EQ(found.at("POST /api/v1/recon/runs"), kScopeReconWrite);
    EXPECT_EQ(found.at("POST /api/v1/vendor-files"), kScopeReconWrite);
    EXPECT_EQ(found.at("POST /api/v1/users"), kScopeAdmin);
    EXPECT_EQ(found.at("PATCH /api/v1/settings"), kScopeAdmin);
    for (const auto& [id, scope] : found) {
        EXPECT_TRUE(scope == kScopeRead || scope == kScopeReconWrite || scope == kScopeAdmin)
            << id << " needs exactly one scope";
    }
    EXPECT_EQ(scope_from("recon:write"), kScopeReconWrite);
    EXPECT_EQ(scope_from("write"), std::nullopt);
}

// The document and the code must list the same operations with the same roles.
TEST(OpenApiTest, DocumentMatchesTheRouteTableExactly) {
    auto doc = nlohmann::json::parse(openapi_document());
    EXPECT_EQ(doc["openapi"], "3.1.0");
    std::set<std::string> documented;
    for (const auto& [path, item] : doc["paths"].items()) {
        for (const auto& [method, op] : item.items()) {
            std::string upper = method;
            for (auto& c : upper) {
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            documented.insert(upper + " " + path);
            ASSERT_TRUE(op.contains("x-contractsync-roles")) << upper << " " << path;
            ASSERT_TRUE(op.contains("responses")) << upper << " " << path;
        }
    }
    auto routes = build_routes();
    std::set<std::string> coded;
    for (const auto& r : routes->routes()) {
        auto id = r.method + " " + r.path;
        EXPECT_TRUE(coded.insert(id).second) << "route registered twice: " << id;
        EXPECT_TRUE(documented.count(id)) << "route missing from openapi.json: " << id;
        std::string method = r.method;
        for (auto& c : method) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (!doc["paths"].contains(r.path) || !doc["paths"][r.path].contains(method)) {
            continue;
        }
        std::set<std::string> doc_roles;
        for (const auto& role : doc["paths"][r.path][method]["x-contractsync-roles"]) {
            doc_roles.insert(role.get<std::string>());
        }
        std::set<std::string> code_roles;
        if (r.access == Access::scoped) {
            for (auto role : kAllRoles) {
                if (r.roles & role) {
                    code_roles.insert(std::string(role_name(static_cast<Role>(role))));
                }
            }
        }
        EXPECT_EQ(doc_roles, code_roles) << "roles differ for " << id;
        if (r.access == Access::scoped) {
            const auto& op = doc["paths"][r.path][method];
            auto scope = std::string(scope_name(static_cast<Scope>(r.scope)));
            EXPECT_EQ(op.value("x-contractsync-scope", ""), scope) << "scope differs for " << id;
            EXPECT_EQ(op["security"][1]["token"], nlohmann::json::array({scope}))
                << "token security differs for " << id;
        }
    }
    for (const auto& id : documented) {
        EXPECT_TRUE(coded.count(id))
            << "openapi.json documents a route that does not exist: " << id;
    }
}

}  // namespace
}  // namespace cs::relay::api

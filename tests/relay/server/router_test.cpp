#include "relay/server/router.hpp"

#include <gtest/gtest.h>

namespace cs::relay::server {
namespace {

TEST(RouterTest, FindsByMethodAndPathAndTellsNotFoundFromWrongMethod) {
    Router r;
    r.add("GET", "/livez", Execution::inline_io,
          [](const HttpRequest&) { return HttpResponse::text(200, "ok"); });
    r.add("POST", "/api/v1/*", Execution::blocking,
          [](const HttpRequest& req) { return HttpResponse::text(201, req.path); });
    int status = 0;
    ASSERT_NE(r.find("GET", "/livez", status), nullptr);
    ASSERT_NE(r.find("HEAD", "/livez", status), nullptr);
    EXPECT_EQ(r.find("POST", "/livez", status), nullptr);
    EXPECT_EQ(status, 405);
    EXPECT_EQ(r.find("GET", "/nope", status), nullptr);
    EXPECT_EQ(status, 404);
    const auto* api = r.find("POST", "/api/v1/sites/1", status);
    ASSERT_NE(api, nullptr);
    EXPECT_EQ(api->execution, Execution::blocking);
    EXPECT_EQ(r.find("POST", "/api/v10", status), nullptr);
}

TEST(HttpTypesTest, HeadersAreCaseInsensitiveAndErrorsAreJson) {
    HttpRequest req;
    req.headers = {{"authorization", "Bearer x"}};
    EXPECT_EQ(req.header("Authorization"), "Bearer x");
    EXPECT_EQ(req.header("x-missing"), "");
    auto e = HttpResponse::error(401, "bad \"key\"\xff");
    EXPECT_EQ(e.status, 401);
    EXPECT_EQ(e.body, "{\"error\":\"bad \\\"key\\\"\xEF\xBF\xBD\"}");
    EXPECT_EQ(split_target("/a/b?x=1"), (std::pair<std::string, std::string>{"/a/b", "x=1"}));
}

}  // namespace
}  // namespace cs::relay::server

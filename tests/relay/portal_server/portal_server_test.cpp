#include "relay/portal_server/portal_server.hpp"

#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <unistd.h>

namespace cs::relay::portal_server {
namespace {

namespace fs = std::filesystem;

std::string header(const server::HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) {
            return v;
        }
    }
    return "<absent>";
}

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// A portal build in a fresh folder, with a secret beside it (outside the root)
// that no request may reach.
class PortalServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() / ("cs_portal_test_" + std::to_string(::getpid()) + "_" +
                                             std::to_string(std::random_device{}()));
        root_ = base_ / "portal";
        write(root_ / "index.html", "<!doctype html><title>ContractSync</title>");
        write(root_ / "assets" / "index-B2x9aQ.js", "console.log(1)");
        write(root_ / "assets" / "index-C7pq1z.css", "body{}");
        write(root_ / "favicon.svg", "<svg/>");
        write(root_ / ".env", "SECRET=1");
        write(base_ / "secret.txt", "outside the root");
        write(base_ / "big" / "index.html", "<!doctype html>");
        write(base_ / "big" / "huge.js", std::string(2048, 'x'));
        fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
        fs::create_directory_symlink(base_, root_ / "up");
        fs::create_symlink(root_ / "favicon.svg", root_ / "icon.svg");  // inside: fine
        auto opened = PortalServer::open({root_});
        ASSERT_TRUE(opened) << opened.error().message;
        portal_ = *opened;
    }
    void TearDown() override { fs::remove_all(base_); }

    server::HttpResponse get(std::string path, std::string if_none_match = {}) const {
        server::HttpRequest req;
        req.method = "GET";
        req.target = path;
        req.path = path;
        if (!if_none_match.empty()) {
            req.headers.emplace_back("if-none-match", if_none_match);
        }
        return portal_->serve(req);
    }

    fs::path base_;
    fs::path root_;
    std::shared_ptr<const PortalServer> portal_;
};

TEST_F(PortalServerTest, ServesFilesWithTheirTypes) {
    auto index = get("/");
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(index.body, "<!doctype html><title>ContractSync</title>");
    auto js = get("/assets/index-B2x9aQ.js");
    EXPECT_EQ(js.status, 200);
    EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(js.body, "console.log(1)");
    EXPECT_EQ(get("/assets/index-C7pq1z.css").content_type, "text/css; charset=utf-8");
    EXPECT_EQ(get("/favicon.svg").content_type, "image/svg+xml");
    EXPECT_EQ(get("/icon.svg").body, "<svg/>");
}

TEST_F(PortalServerTest, HashedAssetsAreCachedForAYearAndEverythingElseRevalidates) {
    EXPECT_EQ(header(get("/assets/index-B2x9aQ.js"), "Cache-Control"),
              "public, max-age=31536000, immutable");
    EXPECT_EQ(header(get("/"), "Cache-Control"), "no-cache");
    EXPECT_EQ(header(get("/index.html"), "Cache-Control"), "no-cache");
    EXPECT_EQ(header(get("/fleet"), "Cache-Control"), "no-cache");
    EXPECT_EQ(header(get("/favicon.svg"), "Cache-Control"), "no-cache");
}

TEST_F(PortalServerTest, RevalidationWithTheETagGets304WithoutABody) {
    auto first = get("/");
    auto etag = header(first, "ETag");
    ASSERT_NE(etag, "<absent>");
    auto again = get("/", etag);
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(get("/", "\"other\", W/" + etag).status, 304);
    EXPECT_EQ(get("/", "\"other\"").status, 200);
    // A new build changes the tag.
    write(root_ / "index.html", "<!doctype html><title>ContractSync 2</title>");
    auto rebuilt = get("/", etag);
    EXPECT_EQ(rebuilt.status, 200);
    EXPECT_EQ(rebuilt.body, "<!doctype html><title>ContractSync 2</title>");
}

TEST_F(PortalServerTest, AppRoutesFallBackToIndexButMissingFilesAndApiPathsDoNot) {
    for (auto path : {"/fleet", "/sites/4f6c2a/records/items", "/login"}) {
        auto r = get(path);
        EXPECT_EQ(r.status, 200) << path;
        EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
        EXPECT_EQ(r.body, "<!doctype html><title>ContractSync</title>") << path;
    }
    for (auto path : {"/assets/index-OLD.js", "/assets/gone", "/robots.txt", "/api/v2/sites",
                      "/api", "/v1/agent", "/assets/"}) {
        auto r = get(path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_EQ(r.body.find("ContractSync"), std::string::npos) << path;
    }
}

TEST_F(PortalServerTest, NothingOutsideTheRootOrHiddenIsServed) {
    for (auto path : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
                      "/.env", "/%2eenv", "/a%00"}) {
        auto r = get(path);
        EXPECT_EQ(r.status, 400) << path;
        EXPECT_EQ(r.body.find("outside"), std::string::npos) << path;
    }
    // Symlinks that lead out of the root are treated as missing files.
    for (auto path : {"/leak.txt", "/up/secret.txt", "/up/big/index.html"}) {
        auto r = get(path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_EQ(r.body.find("outside"), std::string::npos) << path;
    }
}

TEST_F(PortalServerTest, EveryReplyCarriesTheSecurityHeaders) {
    for (auto path : {"/", "/assets/index-B2x9aQ.js", "/fleet", "/robots.txt", "/../x"}) {
        auto r = get(path);
        EXPECT_EQ(header(r, "Content-Security-Policy"),
                  "default-src 'self'; base-uri 'none'; object-src 'none'; "
                  "frame-ancestors 'none'; form-action 'self'")
            << path;
        EXPECT_EQ(header(r, "X-Frame-Options"), "DENY") << path;
        EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff") << path;
        EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer") << path;
    }
}

TEST_F(PortalServerTest, FilesOverTheSizeLimitAreRefused) {
    auto opened = PortalServer::open({base_ / "big", 1024});
    ASSERT_TRUE(opened);
    server::HttpRequest req;
    req.method = "GET";
    req.path = "/huge.js";
    EXPECT_EQ((*opened)->serve(req).status, 500);
    req.path = "/";
    EXPECT_EQ((*opened)->serve(req).status, 200);
}

TEST_F(PortalServerTest, OpenFailsWithoutABuild) {
    auto missing = PortalServer::open({base_ / "nope"});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
    fs::create_directories(base_ / "empty");
    auto empty = PortalServer::open({base_ / "empty"});
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.error().message.find("index.html"), std::string::npos);
}

TEST_F(PortalServerTest, InstalledAfterTheApiItLeavesApiAndHealthRoutesAlone) {
    server::Router router;
    router.add("GET", "/livez", server::Execution::inline_io,
               [](const server::HttpRequest&) { return server::HttpResponse::text(200, "live"); });
    router.add("GET", "/api/v1/*", server::Execution::blocking,
               [](const server::HttpRequest&) { return server::HttpResponse::text(200, "api"); });
    install(router, portal_);
    int status = 0;
    server::HttpRequest req;
    req.method = "GET";
    for (auto [path, expected] : {std::pair{"/livez", "live"}, {"/api/v1/sites", "api"}}) {
        req.path = path;
        const auto* route = router.find("GET", path, status);
        ASSERT_NE(route, nullptr) << path;
        EXPECT_EQ(route->handler(req).body, expected) << path;
    }
    req.path = "/fleet";
    const auto* route = router.find("GET", "/fleet", status);
    ASSERT_NE(route, nullptr);
    EXPECT_EQ(route->execution, server::Execution::blocking);
    EXPECT_EQ(route->handler(req).status, 200);
    EXPECT_NE(router.find("HEAD", "/", status), nullptr);
}

}  // namespace
}  // namespace cs::relay::portal_server

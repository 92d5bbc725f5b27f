#include "relay/portal_server/static_files.hpp"

#include <gtest/gtest.h>

namespace cs::relay::portal_server {
namespace {

std::string file_for(std::string_view url) {
    auto r = file_for_url_path(url);
    return r ? r->generic_string() : "error: " + r.error().message;
}

TEST(StaticFilesTest, MapsUrlPathsToFilesUnderTheRoot) {
    EXPECT_EQ(file_for("/"), "index.html");
    EXPECT_EQ(file_for("/index.html"), "index.html");
    EXPECT_EQ(file_for("/assets/index-B2x9aQ.js"), "assets/index-B2x9aQ.js");
    EXPECT_EQ(file_for("/sites/"), "sites/index.html");
    EXPECT_EQ(file_for("/a%20b.txt"), "a b.txt");
    EXPECT_EQ(file_for("/caf%C3%A9"), "caf\xC3\xA9");
}

TEST(StaticFilesTest, RefusesPathsThatCouldLeaveTheRootOrHideSomething) {
    for (std::string_view url :
         {"",          "relative", "/..",           "/../etc/passwd", "/assets/../../x",
          "/%2e%2e/x", "/.%2E/x",  "/./index.html", "/a//b",          "/a%2Fb",
          "/a%5Cb",    "/a\\b",    "/a%00.js",      "/a%0a",          "/%",
          "/%4",       "/%zz",     "/.git/config",  "/assets/.env",   "/.well-known/x"}) {
        auto r = file_for_url_path(url);
        EXPECT_FALSE(r) << url << " -> " << r->string();
    }
}

TEST(StaticFilesTest, TypesByExtension) {
    EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(content_type_for("assets/app-1.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("assets/app-1.CSS"), "text/css; charset=utf-8");
    EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_for("favicon.ico"), "image/x-icon");
    EXPECT_EQ(content_type_for("font.woff2"), "font/woff2");
    EXPECT_EQ(content_type_for("README"), "application/octet-stream");
    EXPECT_EQ(content_type_for("x.exe"), "application/octet-stream");
}

TEST(StaticFilesTest, OnlyHashedAssetsAreImmutable) {
    EXPECT_TRUE(is_immutable_asset("assets/index-B2x9aQ.js"));
    EXPECT_FALSE(is_immutable_asset("assets"));
    EXPECT_FALSE(is_immutable_asset("index.html"));
    EXPECT_FALSE(is_immutable_asset("favicon.svg"));
}

TEST(StaticFilesTest, AppRoutesAreExtensionlessAndOutsideReservedPrefixes) {
    EXPECT_TRUE(is_app_route("/"));
    EXPECT_TRUE(is_app_route("/fleet"));
    EXPECT_TRUE(is_app_route("/sites/4f6c/records"));
    EXPECT_TRUE(is_app_route("/apis"));
    EXPECT_FALSE(is_app_route("/api"));
    EXPECT_FALSE(is_app_route("/api/v2/x"));
    EXPECT_FALSE(is_app_route("/v1/agent"));
    EXPECT_FALSE(is_app_route("/assets/missing"));
    EXPECT_FALSE(is_app_route("/favicon.ico"));
    EXPECT_FALSE(is_app_route("/sites/app.js"));
}

}  // namespace
}  // namespace cs::relay::portal_server

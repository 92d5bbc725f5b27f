// The shared Prometheus listener: a bearer token, when set, is required of
// every scrape; listen addresses parse with clear errors.
#include "common/net/metrics_server.hpp"

#include <gtest/gtest.h>

#include "tests/common/net/http_get.hpp"

namespace cs::net {
namespace {

using testing::http_get;

TEST(MetricsServerTest, ATokenWhenSetIsRequiredOfEveryScrape) {
    auto server = MetricsServer::start("127.0.0.1", 0, [] { return std::string("up 1\n"); },
                                       {"s3cret-token"});
    ASSERT_TRUE(server) << server.error().message;
    auto port = (*server)->port();
    auto none = http_get(port);
    EXPECT_EQ(none.rfind("HTTP/1.1 401", 0), 0u) << none;
    EXPECT_EQ(none.find("up 1"), std::string::npos);
    EXPECT_NE(none.find("WWW-Authenticate: Bearer"), std::string::npos) << none;
    auto wrong = http_get(port, "/metrics", "Authorization: Bearer s3cret-tokem\r\n");
    EXPECT_EQ(wrong.rfind("HTTP/1.1 401", 0), 0u) << wrong;
    auto longer = http_get(port, "/metrics", "Authorization: Bearer s3cret-token2\r\n");
    EXPECT_EQ(longer.rfind("HTTP/1.1 401", 0), 0u) << longer;
    auto right = http_get(port, "/metrics", "Authorization: Bearer s3cret-token\r\n");
    EXPECT_EQ(right.rfind("HTTP/1.1 200", 0), 0u) << right;
    EXPECT_NE(right.find("\r\n\r\nup 1\n"), std::string::npos) << right;
}

TEST(MetricsServerTest, ListenAddressesParseWithClearErrors) {
    auto v4 = parse_host_port("127.0.0.1:9464", "metrics.listen");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->host, "127.0.0.1");
    EXPECT_EQ(v4->port, 9464);
    auto v6 = parse_host_port("[::1]:0", "metrics.listen");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(parse_host_port("localhost:1", "m").value().host, "127.0.0.1");
    for (const char* bad :
         {"", "9464", "127.0.0.1:", "127.0.0.1:99999", "host.example:80", "127.0.0.1:9x"}) {
        auto r = parse_host_port(bad, "metrics.listen");
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().message.find("metrics.listen"), std::string::npos) << r.error().message;
    }
    EXPECT_TRUE(is_loopback("127.0.0.1"));
    EXPECT_TRUE(is_loopback("127.1.2.3"));
    EXPECT_TRUE(is_loopback("::1"));
    EXPECT_FALSE(is_loopback("0.0.0.0"));
    EXPECT_FALSE(is_loopback("10.0.0.1"));
}

}  // namespace
}  // namespace cs::net

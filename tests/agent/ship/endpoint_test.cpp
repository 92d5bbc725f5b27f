#include "agent/ship/endpoint.hpp"

#include <gtest/gtest.h>

#include "agent/ship/site_key.hpp"

namespace cs::agent::ship {
namespace {

TEST(EndpointTest, WssDefaultsPortAndPath) {
    auto ep = parse_relay_url("wss://Relay.Example.com").value();
    EXPECT_TRUE(ep.tls);
    EXPECT_EQ(ep.host, "relay.example.com");
    EXPECT_FALSE(ep.host_is_ip);
    EXPECT_EQ(ep.port, 443);
    EXPECT_EQ(ep.target, "/v1/agent");
    EXPECT_EQ(ep.host_header(), "relay.example.com");
    EXPECT_EQ(ep.authority(), "relay.example.com:443");
}

TEST(EndpointTest, KeepsExplicitPortPathAndQuery) {
    auto ep = parse_relay_url("ws://127.0.0.1:9000/custom/agent?x=1").value();
    EXPECT_FALSE(ep.tls);
    EXPECT_TRUE(ep.host_is_ip);
    EXPECT_EQ(ep.port, 9000);
    EXPECT_EQ(ep.target, "/custom/agent?x=1");
    EXPECT_EQ(ep.host_header(), "127.0.0.1:9000");
    EXPECT_EQ(ep.describe(), "ws://127.0.0.1:9000/custom/agent?x=1");
}

TEST(EndpointTest, Ipv6HostsAreBracketedWhereNeeded) {
    auto ep = parse_relay_url("wss://[::1]:8443/v1/agent").value();
    EXPECT_EQ(ep.host, "::1");
    EXPECT_TRUE(ep.host_is_ip);
    EXPECT_EQ(ep.authority(), "[::1]:8443");
    EXPECT_EQ(ep.host_header(), "[::1]:8443");
}

TEST(EndpointTest, RefusesWhatCannotBeARelay) {
    for (const char* bad : {"https://relay.example.com", "relay.example.com", "wss://",
                            "wss://user:key@relay.example.com", "wss://relay.example.com/#x",
                            "wss://relay.example.com:0", "wss://relay.example.com:70000"}) {
        EXPECT_FALSE(parse_relay_url(bad)) << bad;
    }
    // ws:// would carry the site key in clear: only to this machine.
    for (const char* clear : {"ws://relay.example.com", "ws://10.0.0.5:8080", "ws://[fe80::1]",
                              "ws://128.0.0.1", "ws://localhost.example.com"}) {
        auto r = parse_relay_url(clear);
        ASSERT_FALSE(r) << clear;
        EXPECT_NE(r.error().message.find("unencrypted"), std::string::npos) << r.error().message;
    }
    for (const char* local : {"ws://localhost:9000", "ws://127.0.0.1:9000", "ws://127.8.9.10",
                              "ws://[::1]:9000", "ws://LOCALHOST"}) {
        EXPECT_TRUE(parse_relay_url(local)) << local;
    }
    auto creds = parse_relay_url("wss://user:cs_site_secret@relay.example.com");
    ASSERT_FALSE(creds);
    EXPECT_EQ(creds.error().message.find("cs_site_secret"), std::string::npos);
}

TEST(SiteKeyTest, AcceptsTheDocumentedShapeOnly) {
    std::string good = "cs_site_" + std::string(40, 'a') + "-_Z";
    EXPECT_TRUE(check_site_key(good, "env X"));
    auto short_key = check_site_key("cs_site_abc", "environment variable K");
    ASSERT_FALSE(short_key);
    EXPECT_NE(short_key.error().message.find("environment variable K"), std::string::npos);
    EXPECT_EQ(short_key.error().message.find("abc"), std::string::npos);  // never the key
    EXPECT_FALSE(check_site_key("cs_sitx_" + std::string(43, 'a'), "x"));
    EXPECT_FALSE(check_site_key("cs_site_" + std::string(42, 'a') + "=", "x"));
}

}  // namespace
}  // namespace cs::agent::ship

#include "agent/ship/proxy.hpp"

#include <map>

#include <gtest/gtest.h>

namespace cs::agent::ship {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

RelayEndpoint relay(const std::string& url) {
    return parse_relay_url(url).value();
}

TEST(ProxyUrlTest, ParsesHostPortAndPercentEncodedCredentials) {
    auto p = parse_proxy_url("http://svc%40corp:p%3Ass%20w@Proxy.Corp.example:3128", "relay.proxy")
                 .value();
    EXPECT_EQ(p.host, "proxy.corp.example");
    EXPECT_EQ(p.port, 3128);
    EXPECT_EQ(p.username, "svc@corp");
    EXPECT_EQ(p.password, "p:ss w");
    EXPECT_EQ(p.describe(), "http://svc@corp@proxy.corp.example:3128");
    EXPECT_EQ(p.describe().find("p:ss"), std::string::npos);
}

TEST(ProxyUrlTest, BareHostMeansHttpAndPortDefaultsTo80) {
    auto p = parse_proxy_url("proxy.local", "HTTPS_PROXY").value();
    EXPECT_EQ(p.host, "proxy.local");
    EXPECT_EQ(p.port, 80);
    EXPECT_TRUE(p.username.empty());
    EXPECT_TRUE(p.authorization().empty());
    auto v6 = parse_proxy_url("http://[fd00::1]:8080", "x").value();
    EXPECT_EQ(v6.host, "fd00::1");
    EXPECT_EQ(v6.describe(), "http://[fd00::1]:8080");
}

TEST(ProxyUrlTest, BasicAuthorizationIsBase64OfUserColonPassword) {
    auto p = parse_proxy_url("http://user:pass@proxy:3128", "x").value();
    EXPECT_EQ(p.authorization(), "Basic dXNlcjpwYXNz");
}

TEST(ProxyUrlTest, RefusesOtherSchemesWithTheOriginInTheMessage) {
    auto https = parse_proxy_url("https://proxy:443", "HTTPS_PROXY");
    ASSERT_FALSE(https);
    EXPECT_NE(https.error().message.find("HTTPS_PROXY"), std::string::npos);
    EXPECT_NE(https.error().message.find("'https'"), std::string::npos);
    EXPECT_FALSE(parse_proxy_url("socks5://proxy:1080", "x"));
    EXPECT_FALSE(parse_proxy_url("http://proxy:99999", "x"));
    EXPECT_FALSE(parse_proxy_url("http://:3128", "x"));
}

struct NoProxyCase {
    const char* no_proxy;
    const char* host;
    std::uint16_t port;
    bool bypass;
};

TEST(NoProxyTest, FollowsCurlAndGoRules) {
    const NoProxyCase cases[] = {
        {"*", "relay.example.com", 443, true},
        {"example.com", "example.com", 443, true},
        {"example.com", "relay.example.com", 443, true},
        {".example.com", "relay.example.com", 443, true},
        {"*.example.com", "relay.example.com", 443, true},
        {".example.com", "example.com", 443, true},
        {"example.com", "badexample.com", 443, false},
        {"example.com", "example.com.evil.net", 443, false},
        {"EXAMPLE.com", "Relay.Example.COM", 443, true},
        {"other.com, example.com", "relay.example.com", 443, true},
        {"other.com example.com", "relay.example.com", 443, true},
        {"example.com:443", "relay.example.com", 443, true},
        {"example.com:8443", "relay.example.com", 443, false},
        {"127.0.0.1", "127.0.0.1", 443, true},
        {"127.0.0.1", "127.0.0.2", 443, false},
        {"127.0.0.1:9000", "127.0.0.1", 9000, true},
        {"127.0.0.1:9000", "127.0.0.1", 9001, false},
        {"10.0.0.0/8", "10.20.30.40", 443, true},
        {"10.0.0.0/8", "11.0.0.1", 443, false},
        {"192.168.1.0/24", "192.168.1.77", 443, true},
        {"192.168.1.0/24", "192.168.2.1", 443, false},
        {"::1", "::1", 443, true},
        {"[::1]:443", "::1", 443, true},
        {"fd00::/8", "fd12::5", 443, true},
        {"fd00::/8", "fe80::1", 443, false},
        {"10.0.0.0/8", "relay.example.com", 443, false},
        {"", "relay.example.com", 443, false},
        {" , ,", "relay.example.com", 443, false},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(no_proxy_matches(c.no_proxy, c.host, c.port), c.bypass)
            << "NO_PROXY='" << c.no_proxy << "' host=" << c.host << ":" << c.port;
    }
}

TEST(ChooseProxyTest, ConfigComesBeforeTheEnvironment) {
    auto p = choose_proxy("http://cfg:3128", "", relay("wss://relay.example.com"),
                          env_of({{"HTTPS_PROXY", "http://env:8080"}}))
                 .value();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->host, "cfg");
    EXPECT_EQ(p->origin, "relay.proxy");
}

TEST(ChooseProxyTest, EnvironmentLowercaseFirstAndDirectDisablesIt) {
    auto env = env_of({{"https_proxy", "http://lower:1"}, {"HTTPS_PROXY", "http://upper:2"}});
    auto p = choose_proxy("", "", relay("wss://relay.example.com"), env).value();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->host, "lower");
    EXPECT_EQ(p->origin, "https_proxy");
    auto upper = choose_proxy("", "", relay("wss://relay.example.com"),
                              env_of({{"HTTPS_PROXY", "http://upper:2"}}))
                     .value();
    ASSERT_TRUE(upper);
    EXPECT_EQ(upper->host, "upper");
    EXPECT_FALSE(choose_proxy("direct", "", relay("wss://relay.example.com"), env).value());
    EXPECT_FALSE(choose_proxy("", "", relay("wss://relay.example.com"), env_of({})).value());
}

TEST(ChooseProxyTest, NoProxyBypassesConfiguredAndEnvironmentProxies) {
    auto env = env_of({{"HTTPS_PROXY", "http://env:8080"}, {"NO_PROXY", ".example.com"}});
    EXPECT_FALSE(choose_proxy("", "", relay("wss://relay.example.com"), env).value());
    EXPECT_FALSE(choose_proxy("http://cfg:1", "", relay("wss://relay.example.com"), env).value());
    EXPECT_TRUE(choose_proxy("", "", relay("wss://relay.other.net"), env).value());
    auto lower = env_of({{"HTTPS_PROXY", "http://env:8080"}, {"no_proxy", "relay.example.com"}});
    EXPECT_FALSE(choose_proxy("", "", relay("wss://relay.example.com"), lower).value());
}

TEST(ChooseProxyTest, PlainWebSocketsUseOnlyLowercaseHttpProxy) {
    auto upper_only =
        env_of({{"HTTP_PROXY", "http://cgi-injected:1"}, {"HTTPS_PROXY", "http://s:2"}});
    EXPECT_FALSE(choose_proxy("", "", relay("ws://127.0.0.1:9000"), upper_only).value());
    auto lower = env_of({{"http_proxy", "http://plain:3"}});
    auto p = choose_proxy("", "", relay("ws://127.0.0.1:9000"), lower).value();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->host, "plain");
}

TEST(ChooseProxyTest, SecretPasswordReplacesTheUrlPassword) {
    auto p = choose_proxy("http://svc:placeholder@proxy:3128", "s3cret", relay("wss://r.example"),
                          env_of({}))
                 .value();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->username, "svc");
    EXPECT_EQ(p->password, "s3cret");
}

TEST(ChooseProxyTest, BadProxyUrlIsAnErrorNamingWhereItCameFrom) {
    auto r =
        choose_proxy("", "", relay("wss://r.example"), env_of({{"HTTPS_PROXY", "socks5://x"}}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("HTTPS_PROXY"), std::string::npos);
}

}  // namespace
}  // namespace cs::agent::ship

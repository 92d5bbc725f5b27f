#include <gtest/gtest.h>

#include "agent/ship/uplink.hpp"
#include "tests/agent/ship/fake_relay.hpp"
#include "tests/agent/ship/ship_test_support.hpp"
#include "tests/agent/ship/test_proxy.hpp"

namespace cs::agent::ship {
namespace {

using testing::FakeRelay;
using testing::RelayRecord;
using testing::TestProxy;
using namespace std::chrono_literals;

class ProxyTunnelTest : public ::testing::Test {
protected:
    ProxyTunnelTest() : store_(StateDb::open(dir_ / "state.db").value()) {}

    UplinkOptions options() { return testing::test_options(dir_ / "state.db", relay_.port()); }
    std::string proxy_url(const std::string& credentials) {
        return "http://" + credentials + "127.0.0.1:" + std::to_string(proxy_.port());
    }

    agent::testing::TempDir dir_;
    StateDb store_;
    FakeRelay relay_;
    TestProxy proxy_{"svc", "pa:ss"};
};

TEST_F(ProxyTunnelTest, ConnectsThroughTheProxyWithBasicAuth) {
    testing::fill_outbox(store_, 3);
    auto o = options();
    o.proxy = proxy_url("svc:pa%3Ass@");
    auto uplink = Uplink::start(std::move(o), nullptr).value();
    ASSERT_TRUE(relay_.wait_for([](const RelayRecord& r) { return r.applied.size() == 3; }));
    auto record = proxy_.record();
    ASSERT_EQ(record.targets.size(), 1u);
    EXPECT_EQ(record.targets[0], "127.0.0.1:" + std::to_string(relay_.port()));
    EXPECT_EQ(record.authorizations[0], "Basic c3ZjOnBhOnNz");  // svc:pa:ss
    EXPECT_EQ(record.tunnels, 1);
    // TLS ran end to end through the tunnel: the relay saw the key, the proxy did not.
    EXPECT_EQ(relay_.record().authorizations[0], "Bearer " + testing::kSiteKey);
}

TEST_F(ProxyTunnelTest, PasswordFromASecretReplacesTheUrlPassword) {
    auto o = options();
    o.proxy = proxy_url("svc@");
    o.proxy_password = "pa:ss";
    auto uplink = Uplink::start(std::move(o), nullptr).value();
    EXPECT_TRUE(relay_.wait_for([](const RelayRecord& r) { return r.sessions == 1; }));
}

TEST_F(ProxyTunnelTest, WrongCredentialsAreAProxyAuthFailure) {
    auto o = options();
    o.proxy = proxy_url("svc:wrong-password@");
    auto uplink = Uplink::start(std::move(o), nullptr).value();
    auto status = uplink->wait_until(
        [](const UplinkStatus& s) { return s.failure == LinkFailure::proxy_auth; },
        std::chrono::steady_clock::now() + 10s);
    EXPECT_EQ(status.failure, LinkFailure::proxy_auth);
    EXPECT_NE(status.reason.find("407"), std::string::npos) << status.reason;
    EXPECT_NE(status.reason.find("'svc'"), std::string::npos) << status.reason;
    EXPECT_NE(status.reason.find("Basic"), std::string::npos) << status.reason;
    EXPECT_EQ(status.reason.find("wrong-password"), std::string::npos) << status.reason;
    EXPECT_EQ(relay_.record().accepted, 0);
}

TEST_F(ProxyTunnelTest, EnvironmentProxyIsUsedAndNoProxyBypassesIt) {
    const std::string env_proxy = proxy_url("svc:pa%3Ass@");
    {
        auto o = options();
        o.proxy = "";
        o.env = [&](std::string_view name) -> std::optional<std::string> {
            return name == "HTTPS_PROXY" ? std::optional<std::string>(env_proxy) : std::nullopt;
        };
        auto uplink = Uplink::start(std::move(o), nullptr).value();
        ASSERT_TRUE(relay_.wait_for([](const RelayRecord& r) { return r.sessions == 1; }));
        EXPECT_EQ(proxy_.record().tunnels, 1);
    }
    {
        auto o = options();
        o.proxy = "";
        o.env = [&](std::string_view name) -> std::optional<std::string> {
            if (name == "HTTPS_PROXY") {
                return env_proxy;
            }
            if (name == "NO_PROXY") {
                return std::string("localhost,127.0.0.1");
            }
            return std::nullopt;
        };
        auto uplink = Uplink::start(std::move(o), nullptr).value();
        ASSERT_TRUE(relay_.wait_for([](const RelayRecord& r) { return r.sessions == 2; }));
        EXPECT_EQ(proxy_.record().connections, 1);  // still only the first one
    }
}

}  // namespace
}  // namespace cs::agent::ship

// A tenant's webhook can never make the relay post inside the cloud network.
#include "relay/alerts/webhook_target.hpp"

#include <string>

#include <gtest/gtest.h>

namespace cs::relay::alerts {
namespace {

TEST(WebhookTargetTest, InternalAddressesAreNamedAndRefused) {
    const std::pair<const char*, const char*> internal[] = {
        {"127.0.0.1", "loopback"},
        {"127.255.0.9", "loopback"},
        {"10.1.2.3", "private"},
        {"172.16.0.1", "private"},
        {"172.31.255.255", "private"},
        {"192.168.1.1", "private"},
        {"169.254.169.254", "link-local"},
        {"100.64.0.1", "carrier-grade NAT"},
        {"0.0.0.0", "this network"},
        {"224.0.0.1", "multicast"},
        {"255.255.255.255", "reserved"},
        {"::1", "loopback"},
        {"::", "unspecified"},
        {"fc00::1", "unique local"},
        {"fd12:3456::1", "unique local"},
        {"fe80::1", "link-local"},
        {"ff02::1", "multicast"},
        {"::ffff:127.0.0.1", "loopback"},
        {"::ffff:169.254.169.254", "link-local"},
        {"64:ff9b::10.0.0.1", "private"},
    };
    for (const auto& [address, why] : internal) {
        auto reason = forbidden_address_reason(std::string_view(address));
        EXPECT_NE(reason.find(why), std::string::npos) << address << ": " << reason;
    }
    for (const char* address : {"93.184.216.34", "172.32.0.1", "8.8.8.8", "100.128.0.1",
                                "2606:4700:4700::1111", "::ffff:8.8.4.4"}) {
        EXPECT_EQ(forbidden_address_reason(std::string_view(address)), "") << address;
    }
}

TEST(WebhookTargetTest, UrlsMustBePublicHttps) {
    for (const char* bad :
         {"http://hooks.example.com/x", "ftp://hooks.example.com/", "https://", "hooks.example.com",
          "https://127.0.0.1/x", "https://[::1]:8443/x", "https://169.254.169.254/latest/meta-data",
          "https://localhost/x", "https://api.localhost/x", "https://10.0.0.8/x",
          "https://hooks.example.com/x#frag", "https://hooks.example.com/a b"}) {
        auto s = check_webhook_url(bad);
        EXPECT_FALSE(s) << bad;
        if (!s) {
            EXPECT_NE(s.error().message.find("alert_webhook_url"), std::string::npos);
        }
    }
    EXPECT_TRUE(check_webhook_url("https://hooks.example.com/services/T0/B1?x=1"));
    EXPECT_TRUE(check_webhook_url("https://93.184.216.34:8443/hook"));
    EXPECT_FALSE(check_webhook_url("https://h.example.com/" + std::string(2100, 'a')));
    // The escape for tests and single-machine demos.
    EXPECT_TRUE(check_webhook_url("http://127.0.0.1:9000/hook", {true, true}));
}

TEST(WebhookTargetTest, DeliveriesConnectToTheCheckedAddressOnly) {
    auto loopback = resolve_webhook_target("https://localhost:9443/hook");
    ASSERT_FALSE(loopback);
    auto literal = resolve_webhook_target("https://127.0.0.1:9443/hook");
    ASSERT_FALSE(literal);
    EXPECT_NE(literal.error().message.find("loopback"), std::string::npos)
        << literal.error().message;
    auto allowed = resolve_webhook_target("http://127.0.0.1:9000/hook", {true, true});
    ASSERT_TRUE(allowed) << allowed.error().message;
    EXPECT_EQ(allowed->address, "127.0.0.1");
    EXPECT_EQ(allowed->resolve_entry(), "");
    auto v6 = resolve_webhook_target("http://[::1]:9000/hook", {true, true});
    ASSERT_TRUE(v6) << v6.error().message;
    EXPECT_EQ(v6->address, "::1");
    EXPECT_EQ(v6->resolve_entry(), "");
    // A name is pinned to the address that was checked.
    auto named = resolve_webhook_target("http://localhost:9000/hook", {true, true});
    ASSERT_TRUE(named) << named.error().message;
    EXPECT_EQ(named->resolve_entry().rfind("localhost:9000:", 0), 0u) << named->resolve_entry();
    auto public_literal = resolve_webhook_target("https://93.184.216.34/hook");
    ASSERT_TRUE(public_literal) << public_literal.error().message;
    EXPECT_EQ(public_literal->port, 443);
}

}  // namespace
}  // namespace cs::relay::alerts

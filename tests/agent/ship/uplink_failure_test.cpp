// How the uplink reacts when the relay, the network or the TLS setup says no.
#include <thread>

#include <gtest/gtest.h>

#include "agent/ship/uplink.hpp"
#include "tests/agent/ship/fake_relay.hpp"
#include "tests/agent/ship/ship_test_support.hpp"

namespace cs::agent::ship {
namespace {

using testing::FakeRelay;
using testing::FakeRelayScript;
using testing::RelayRecord;
using namespace std::chrono_literals;

class UplinkFailureTest : public ::testing::Test {
protected:
    UplinkFailureTest() : store_(StateDb::open(dir_ / "state.db").value()) {}

    std::unique_ptr<Uplink> start(FakeRelay& relay,
                                  const std::function<void(UplinkOptions&)>& tweak = {}) {
        auto options = testing::test_options(dir_ / "state.db", relay.port());
        if (tweak) {
            tweak(options);
        }
        return Uplink::start(std::move(options), nullptr).value();
    }

    static UplinkStatus wait_failure(Uplink& uplink, LinkFailure failure) {
        return uplink.wait_until(
            [failure](const UplinkStatus& s) {
                return s.failure == failure && s.state != LinkState::connecting;
            },
            std::chrono::steady_clock::now() + 10s);
    }

    agent::testing::TempDir dir_;
    StateDb store_;
};

TEST_F(UplinkFailureTest, UnauthorizedWaitsTheOperatorFloorThenRecovers) {
    FakeRelayScript script;
    script.upgrade_status = 401;
    script.upgrade_error = "site key revoked";
    FakeRelay relay(script);
    auto uplink = start(relay);  // backoff base 20 ms, operator wait 1.5 s
    auto status = wait_failure(*uplink, LinkFailure::unauthorized);
    EXPECT_EQ(status.failure, LinkFailure::unauthorized);
    EXPECT_NE(status.reason.find("401"), std::string::npos) << status.reason;
    EXPECT_NE(status.reason.find("site key revoked"), std::string::npos) << status.reason;
    EXPECT_EQ(status.reason.find(testing::kSiteKey), std::string::npos);
    EXPECT_EQ(status.state, LinkState::waiting);
    std::this_thread::sleep_for(800ms);
    EXPECT_EQ(relay.record().upgrades, 1);  // no fast retry with a refused key
    relay.update_script([](FakeRelayScript& s) { s.upgrade_status = 101; });
    EXPECT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.sessions == 1; }, 5s));
}

TEST_F(UplinkFailureTest, RevokedCloseBacksOffLikeA401) {
    FakeRelayScript script;
    script.close_after_hello = 4003;
    script.close_reason = "site key rotated";
    FakeRelay relay(script);
    auto uplink = start(relay);
    auto status = wait_failure(*uplink, LinkFailure::revoked);
    EXPECT_EQ(status.failure, LinkFailure::revoked);
    EXPECT_NE(status.reason.find("4003 site key rotated"), std::string::npos) << status.reason;
    std::this_thread::sleep_for(800ms);
    EXPECT_EQ(relay.record().upgrades, 1);
}

TEST_F(UplinkFailureTest, NoCommonProtocolCloseIsReported) {
    FakeRelayScript script;
    script.close_after_hello = 4002;
    script.close_reason = "no common protocol version";
    FakeRelay relay(script);
    auto uplink = start(relay);
    auto status = wait_failure(*uplink, LinkFailure::unsupported_protocol);
    EXPECT_EQ(status.failure, LinkFailure::unsupported_protocol);
    EXPECT_NE(status.reason.find("no common protocol version"), std::string::npos);
}

TEST_F(UplinkFailureTest, WelcomeWithAnUnknownVersionIsRefusedWith4002) {
    FakeRelayScript script;
    script.protocol = 7;
    FakeRelay relay(script);
    auto uplink = start(relay);
    auto status = wait_failure(*uplink, LinkFailure::unsupported_protocol);
    EXPECT_EQ(status.failure, LinkFailure::unsupported_protocol);
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return !r.agent_close_codes.empty(); }));
    EXPECT_EQ(relay.record().agent_close_codes[0], 4002);
    EXPECT_NE(relay.record().agent_close_reasons[0].find("protocol 7"), std::string::npos);
}

TEST_F(UplinkFailureTest, TransientRelayFailureRetriesQuickly) {
    FakeRelayScript script;
    script.close_after_hello = 1011;
    script.close_reason = "database unavailable";
    FakeRelay relay(script);
    auto uplink = start(relay);
    EXPECT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.upgrades >= 3; }, 3s));
    EXPECT_EQ(uplink->status().failure, LinkFailure::relay_error);
}

TEST_F(UplinkFailureTest, ReplacedWaitsBeforeComingBack) {
    FakeRelayScript script;
    script.close_after_hello = 4004;
    FakeRelay relay(script);
    auto uplink = start(relay);  // replaced_wait 300 ms
    auto status = wait_failure(*uplink, LinkFailure::replaced);
    EXPECT_EQ(status.failure, LinkFailure::replaced);
    std::this_thread::sleep_for(150ms);
    EXPECT_EQ(relay.record().upgrades, 1);
    EXPECT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.upgrades >= 2; }, 3s));
}

TEST_F(UplinkFailureTest, OversizedMessageFromTheRelayClosesWith1009) {
    FakeRelayScript script;
    script.oversized_text = 2u << 20;
    FakeRelay relay(script);
    auto uplink = start(relay);
    auto status = wait_failure(*uplink, LinkFailure::message_too_big);
    EXPECT_EQ(status.failure, LinkFailure::message_too_big);
    ASSERT_TRUE(relay.wait_for([](const RelayRecord& r) { return !r.agent_close_codes.empty(); }));
    EXPECT_EQ(relay.record().agent_close_codes[0], 1009);
}

TEST_F(UplinkFailureTest, UntrustedCertificateIsATlsFailure) {
    FakeRelay relay;
    auto uplink =
        start(relay, [](UplinkOptions& o) { o.ca_file = testing::tls_file("other-ca.pem"); });
    auto status = wait_failure(*uplink, LinkFailure::tls);
    EXPECT_EQ(status.failure, LinkFailure::tls);
    EXPECT_NE(status.reason.find("certificate"), std::string::npos) << status.reason;
    EXPECT_EQ(relay.record().upgrades, 0);  // the key never left the agent
}

TEST_F(UplinkFailureTest, CertificateForAnotherHostIsRefused) {
    FakeRelayScript script;
    script.certificate = "wrong-host";
    FakeRelay relay(script);
    auto uplink = start(relay);
    auto status = wait_failure(*uplink, LinkFailure::tls);
    EXPECT_EQ(status.failure, LinkFailure::tls);
    EXPECT_NE(status.reason.find("mismatch"), std::string::npos) << status.reason;
    EXPECT_EQ(relay.record().upgrades, 0);
}

TEST_F(UplinkFailureTest, NothingListeningIsANetworkFailureNamingTheAddress) {
    std::uint16_t port = 0;
    {
        FakeRelay gone;  // take a free port, then let it go
        port = gone.port();
    }
    auto options = testing::test_options(dir_ / "state.db", port);
    auto uplink = Uplink::start(std::move(options), nullptr).value();
    auto status = wait_failure(*uplink, LinkFailure::network);
    EXPECT_NE(status.reason.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
        << status.reason;
}

TEST_F(UplinkFailureTest, PlainWebSocketWorksForLocalTesting) {
    testing::fill_outbox(store_, 2);
    FakeRelayScript script;
    script.tls = false;
    FakeRelay relay(script);
    auto options = testing::test_options(dir_ / "state.db", relay.port(), false);
    auto uplink = Uplink::start(std::move(options), nullptr).value();
    EXPECT_TRUE(relay.wait_for([](const RelayRecord& r) { return r.applied.size() == 2; }));
}

TEST_F(UplinkFailureTest, BadSettingsFailAtStartWithClearErrors) {
    auto options = testing::test_options(dir_ / "state.db", 1);
    options.url = "https://relay.example.com";
    auto bad_url = Uplink::start(options, nullptr);
    ASSERT_FALSE(bad_url);
    EXPECT_NE(bad_url.error().message.find("wss://"), std::string::npos);
    options = testing::test_options(dir_ / "state.db", 1);
    options.ca_file = dir_ / "missing-ca.pem";
    auto bad_ca = Uplink::start(options, nullptr);
    ASSERT_FALSE(bad_ca);
    EXPECT_NE(bad_ca.error().message.find("missing-ca.pem"), std::string::npos);
    options = testing::test_options(dir_ / "state.db", 1);
    options.proxy = "socks5://proxy:1080";
    EXPECT_FALSE(Uplink::start(options, nullptr));
}

}  // namespace
}  // namespace cs::agent::ship

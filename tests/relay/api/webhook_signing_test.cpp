// Alert webhooks are signed: the secret is shown once, sealed at rest with the
// relay's key, rotated with a grace period, and a delivery whose secret does not
// open is not sent unsigned.
#include <chrono>

#include <fmt/format.h>

#include "relay/alerts/alerts.hpp"
#include "relay/alerts/webhook_secret.hpp"
#include "tests/relay/api/api_fixture.hpp"
#include "tests/relay/api/webhook_receiver.hpp"

namespace cs::relay::api::testing {
namespace {

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class WebhookSigningTest : public ApiFixture {
protected:
    // Sets the webhook through the API (a public-looking https URL the form
    // check accepts), then points it at the loopback receiver, which only the
    // test's delivery policy allows.
    std::string set_webhook(Session& admin) {
        auto r = call("PATCH", "/api/v1/settings", &admin,
                      {{"alert_webhook_url", "https://hooks.example.com/contractsync"}});
        EXPECT_EQ(r.status, 200) << r.raw;
        return r.body.value("webhook_secret", "");
    }
    // Queues one delivery for tenant A to the receiver, due now.
    void queue_delivery(const WebhookReceiver& hook) {
        sql(fmt::format(
            "INSERT INTO alerts (tenant_id, alert_id, site_id, kind, subject, severity, message, "
            "details) VALUES ('{0}', gen_random_uuid(), '{1}', 'lag', 'q' || "
            "gen_random_uuid(), 'warning', 'late', '{{}}'); INSERT INTO alert_deliveries "
            "(tenant_id, alert_id, url, payload) SELECT '{0}', alert_id, "
            "'http://127.0.0.1:{2}/hook', json_build_object('event', 'alert.opened', 'n', "
            "1234567890123456789.10) FROM alerts WHERE tenant_id = '{0}' ORDER BY opened_at DESC "
            "LIMIT 1",
            a_.tenant_id, a_.site_id, hook.port()));
    }
    // Queues one delivery, delivers it with the relay's key and returns what
    // the receiver got (empty when it got nothing or more than one).
    ReceivedRequest deliver_one(WebhookReceiver& hook) {
        hook.clear();
        queue_delivery(hook);
        EXPECT_EQ(deliver(sealing_key_.get()).delivered, 1);
        auto got = hook.requests();
        EXPECT_EQ(got.size(), 1u);
        return got.size() == 1 ? got[0] : ReceivedRequest{};
    }
    alerts::DeliveryReport deliver(const crypto::SealingKey* key) {
        auto r = alerts::deliver_webhooks(*conn_, 50, {true, true}, key);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? *r : alerts::DeliveryReport{};
    }
};

TEST_F(WebhookSigningTest, TheSecretIsShownOnceAndSealedAtRest) {
    auto admin = login(email("a", "admin"));
    auto secret = set_webhook(admin);
    ASSERT_TRUE(secret.starts_with("whsec_")) << secret;
    EXPECT_EQ(secret.size(), 6u + 43u);

    auto settings = call("GET", "/api/v1/settings", &admin);
    ASSERT_EQ(settings.status, 200);
    EXPECT_FALSE(settings.body.contains("webhook_secret"));
    EXPECT_EQ(settings.body["webhook_signing"], true);
    EXPECT_FALSE(settings.body["webhook_secret_created_at"].is_null());
    EXPECT_EQ(settings.raw.find(secret), std::string::npos);
    // Changing another setting does not make or show a new one.
    auto again = call("PATCH", "/api/v1/settings", &admin, {{"offline_after_seconds", 120}});
    ASSERT_EQ(again.status, 200);
    EXPECT_FALSE(again.body.contains("webhook_secret"));

    // Neither the database nor the audit log holds it in plain text: the
    // stored bytes open only with the relay's key and only for this tenant.
    auto stored = sql(fmt::format(
        "SELECT webhook_secret, webhook_secret_key_id FROM tenant_settings WHERE tenant_id = '{}'",
        a_.tenant_id));
    auto sealed = stored.bytea(0, 0);
    EXPECT_EQ(sealed.find(secret), std::string::npos);
    EXPECT_EQ(stored.text(0, 1), sealing_key_->key_id());
    EXPECT_EQ(sql(fmt::format("SELECT count(*) FROM audit_log WHERE before::text LIKE '%{0}%' OR "
                              "after::text LIKE '%{0}%'",
                              secret.substr(6)))
                  .integer(0, 0),
              0);
    auto opened = alerts::open_webhook_secrets(a_.tenant_id, {{sealed, sealing_key_->key_id()}},
                                               sealing_key_.get());
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(opened->at(0), secret);
    EXPECT_FALSE(alerts::open_webhook_secrets(b_.tenant_id, {{sealed, sealing_key_->key_id()}},
                                              sealing_key_.get()))
        << "a sealed secret copied to another tenant does not open";

    // Turning the webhook off removes the secret; turning it on makes a new one.
    ASSERT_EQ(call("PATCH", "/api/v1/settings", &admin, {{"alert_webhook_url", nullptr}}).status,
              200);
    EXPECT_TRUE(sql(fmt::format("SELECT webhook_secret FROM tenant_settings WHERE tenant_id = '{}'",
                                a_.tenant_id))
                    .is_null(0, 0));
    auto renewed = set_webhook(admin);
    EXPECT_TRUE(renewed.starts_with("whsec_"));
    EXPECT_NE(renewed, secret);

    // Analysts may not read or rotate it.
    auto analyst = login(email("a", "analyst"));
    EXPECT_EQ(call("POST", "/api/v1/settings/webhook-secret", &analyst).status, 403);
}

TEST_F(WebhookSigningTest, DeliveriesAreSignedAndARotationSignsWithBothForItsGracePeriod) {
    WebhookReceiver hook;
    auto admin = login(email("a", "admin"));
    auto secret = set_webhook(admin);
    auto first = deliver_one(hook);
    auto signature = first.header("ContractSync-Signature");
    EXPECT_TRUE(signature.starts_with("t=")) << first.head;
    EXPECT_EQ(first.header("ContractSync-Event"), "alert.opened");
    EXPECT_FALSE(first.header("ContractSync-Delivery").empty());
    EXPECT_NE(first.body.find("1234567890123456789.10"), std::string::npos) << first.body;
    EXPECT_TRUE(alerts::verify_webhook_signature(signature, first.body, secret, now_seconds()));
    // The signature covers the body and the time, and only this secret makes it.
    EXPECT_FALSE(
        alerts::verify_webhook_signature(signature, first.body + " ", secret, now_seconds()));
    EXPECT_FALSE(
        alerts::verify_webhook_signature(signature, first.body, secret, now_seconds() + 3600));
    EXPECT_FALSE(
        alerts::verify_webhook_signature(signature, first.body, "whsec_other", now_seconds()));

    auto rotated = call("POST", "/api/v1/settings/webhook-secret", &admin);
    ASSERT_EQ(rotated.status, 200) << rotated.raw;
    auto next = rotated.body.value("webhook_secret", "");
    ASSERT_TRUE(next.starts_with("whsec_"));
    EXPECT_NE(next, secret);
    EXPECT_FALSE(rotated.body["webhook_previous_secret_until"].is_null());
    auto during = deliver_one(hook);
    signature = during.header("ContractSync-Signature");
    EXPECT_EQ(std::count(signature.begin(), signature.end(), ','), 2) << signature;
    EXPECT_TRUE(alerts::verify_webhook_signature(signature, during.body, next, now_seconds()));
    EXPECT_TRUE(alerts::verify_webhook_signature(signature, during.body, secret, now_seconds()))
        << "during the grace period the previous secret still verifies";

    // After the grace period only the new secret signs.
    sql(
        fmt::format("UPDATE tenant_settings SET webhook_previous_until = now() - interval '1 "
                    "second' WHERE tenant_id = '{}'",
                    a_.tenant_id));
    auto after = deliver_one(hook);
    signature = after.header("ContractSync-Signature");
    EXPECT_TRUE(alerts::verify_webhook_signature(signature, after.body, next, now_seconds()));
    EXPECT_FALSE(alerts::verify_webhook_signature(signature, after.body, secret, now_seconds()));
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'settings.webhook_secret.rotate'")
                  .integer(0, 0),
              1);
}

TEST_F(WebhookSigningTest, ADeliveryWhoseSecretDoesNotOpenIsRetriedNotSentUnsigned) {
    WebhookReceiver hook;
    auto admin = login(email("a", "admin"));
    ASSERT_FALSE(set_webhook(admin).empty());
    queue_delivery(hook);
    auto other = crypto::SealingKey::generate().value();
    auto report = deliver(&other);
    EXPECT_EQ(report.delivered, 0);
    EXPECT_EQ(report.failed, 1);
    EXPECT_TRUE(hook.requests().empty());
    auto error = std::string(
        sql("SELECT last_error FROM alert_deliveries WHERE delivered_at IS NULL").text(0, 0));
    EXPECT_NE(error.find(sealing_key_->key_id()), std::string::npos) << error;
    EXPECT_NE(error.find(other.key_id()), std::string::npos) << error;
    EXPECT_NE(error.find("secrets.key_file"), std::string::npos) << error;
    // A relay with no key at all says so too.
    sql("UPDATE alert_deliveries SET next_attempt = now()");
    EXPECT_EQ(deliver(nullptr).failed, 1);
    EXPECT_TRUE(hook.requests().empty());
    // With the right key the retry goes through.
    sql("UPDATE alert_deliveries SET next_attempt = now()");
    EXPECT_EQ(deliver(sealing_key_.get()).delivered, 1);
    EXPECT_EQ(hook.requests().size(), 1u);
}

TEST_F(WebhookSigningTest, ARelayWithoutASealingKeyRefusesToSetAWebhook) {
    env_.sealing_key = nullptr;
    dispatcher_ = std::make_unique<Dispatcher>(build_routes(), env_);
    auto admin = login(email("a", "admin"));
    auto r = call("PATCH", "/api/v1/settings", &admin,
                  {{"alert_webhook_url", "https://hooks.example.com/contractsync"}});
    EXPECT_EQ(r.status, 503) << r.raw;
    EXPECT_NE(r.raw.find("secrets.key_file"), std::string::npos) << r.raw;
    EXPECT_TRUE(sql(fmt::format("SELECT alert_webhook_url FROM tenant_settings WHERE tenant_id = "
                                "'{}'",
                                a_.tenant_id))
                    .is_null(0, 0))
        << "nothing of the refused change is stored";
}

}  // namespace
}  // namespace cs::relay::api::testing

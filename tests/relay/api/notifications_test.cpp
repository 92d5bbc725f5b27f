// Notifications: an offline site reaches the tenant's users and staff in the
// portal's list and by e-mail through SMTP, read marks are per user, an
// acknowledged alert stops notifying, new high-severity exceptions reach the
// tenant, and the webhook's test delivery reports its outcome.
#include "relay/alerts/notifications.hpp"

#include <chrono>

#include <fmt/format.h>

#include "relay/alerts/alerts.hpp"
#include "tests/relay/api/api_fixture.hpp"
#include "tests/relay/api/webhook_receiver.hpp"
#include "tests/relay/support/smtp_sink.hpp"

namespace cs::relay::api::testing {
namespace {

using relay::testing::SmtpSink;

class NotificationsTest : public ApiFixture {
protected:
    void take_site_offline(const TenantData& t) {
        sql(
            fmt::format("UPDATE tenant_settings SET offline_after_seconds = 60 WHERE tenant_id = "
                        "'{0}'; INSERT INTO tenant_settings (tenant_id, offline_after_seconds) "
                        "SELECT '{0}', 60 WHERE NOT EXISTS (SELECT 1 FROM tenant_settings WHERE "
                        "tenant_id = '{0}'); UPDATE sites SET online = false, connected_at = now() "
                        "- interval '1 hour', last_seen_at = now() - interval '2 minutes' WHERE "
                        "site_id = '{1}'",
                        t.tenant_id, t.site_id));
    }
    void evaluate() {
        auto r = alerts::evaluate(*conn_);
        ASSERT_TRUE(r) << r.error().message;
    }
    std::int64_t unread(Session& s) {
        auto r = call("GET", "/api/v1/notifications/unread-count", &s);
        EXPECT_EQ(r.status, 200) << r.raw;
        return r.body.value("unread", -1);
    }
    // Queues and sends the e-mails of new notifications to `sink`.
    alerts::EmailReport send_emails(const SmtpSink& sink) {
        auto q = alerts::queue_notification_emails(*conn_, true, "https://portal.test/");
        EXPECT_TRUE(q) << (q ? "" : q.error().message);
        alerts::SmtpClient client(sink.client_config());
        auto r = alerts::deliver_emails(*conn_, client, 50);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? *r : alerts::EmailReport{};
    }
    std::set<std::string> recipients(const SmtpSink& sink) {
        std::set<std::string> out;
        for (const auto& m : sink.messages()) {
            out.insert(m.rcpt.begin(), m.rcpt.end());
        }
        return out;
    }
};

TEST_F(NotificationsTest, AnOfflineSiteReachesTenantAndStaffInTheListAndByEmail) {
    auto admin = login(email("a", "admin"));
    auto analyst = login(email("a", "analyst"));
    auto other = login(email("b", "admin"));
    auto staff = login("admin@staff.test");
    take_site_offline(a_);
    evaluate();
    evaluate();  // once per state change, however often it is checked

    auto listed = call("GET", "/api/v1/notifications", &admin);
    ASSERT_EQ(listed.status, 200) << listed.raw;
    ASSERT_EQ(listed.body["items"].size(), 1u) << listed.raw;
    const auto& n = listed.body["items"][0];
    EXPECT_EQ(n["kind"], "site_offline");
    EXPECT_EQ(n["read"], false);
    EXPECT_EQ(n["link"], "/sites/" + a_.site_id);
    EXPECT_TRUE(n["title"].get<std::string>().starts_with("Site offline: ")) << n;
    EXPECT_EQ(unread(admin), 1);
    EXPECT_EQ(unread(analyst), 1);
    EXPECT_EQ(unread(staff), 1);  // fleet: staff are told of every tenant's sites
    EXPECT_EQ(unread(other), 0);  // another tenant's site is none of their business
    EXPECT_EQ(call("GET", "/api/v1/notifications", &other).body["items"].size(), 0u);

    // Read marks are per user.
    auto id = n["notification_id"].get<std::int64_t>();
    auto marked = call("POST", "/api/v1/notifications/read", &admin,
                       {{"notification_ids", nlohmann::json::array({id})}});
    ASSERT_EQ(marked.status, 200) << marked.raw;
    EXPECT_EQ(marked.body["marked"], 1);
    EXPECT_EQ(unread(admin), 0);
    EXPECT_EQ(unread(analyst), 1);
    EXPECT_EQ(call("GET", "/api/v1/notifications?unread=true", &admin).body["items"].size(), 0u);
    // Marking another tenant's notification does nothing.
    EXPECT_EQ(call("POST", "/api/v1/notifications/read", &other,
                   {{"notification_ids", nlohmann::json::array({id})}})
                  .body["marked"],
              0);
    EXPECT_EQ(
        call("POST", "/api/v1/notifications/read", &admin, {{"notification_ids", "7"}}).status,
        400);
    EXPECT_EQ(call("POST", "/api/v1/notifications/read", &admin, nlohmann::json::object()).status,
              400);
    EXPECT_EQ(call("GET", "/api/v1/notifications?unread=maybe", &admin).status, 400);

    // By e-mail: the tenant's admin and the staff, by default; not the
    // analyst nor the other tenant.
    SmtpSink sink;
    auto sent = send_emails(sink);
    EXPECT_EQ(sent.failed, 0);
    EXPECT_EQ(recipients(sink), (std::set<std::string>{email("a", "admin"), "admin@staff.test",
                                                       "operator@staff.test"}));
    EXPECT_EQ(sent.sent, 3);
    auto m = sink.messages().at(0);
    EXPECT_NE(m.data.find("Subject: [ContractSync] Site offline: "), std::string::npos) << m.data;
    EXPECT_NE(m.data.find("has been offline since"), std::string::npos) << m.data;
    EXPECT_NE(m.data.find("https://portal.test/sites/" + a_.site_id), std::string::npos) << m.data;
    // Nothing is sent twice.
    EXPECT_EQ(send_emails(sink).sent, 0);
    EXPECT_EQ(sink.messages().size(), 3u);
}

TEST_F(NotificationsTest, FailedEmailsAreRetriedAndARefusedRecipientIsDropped) {
    take_site_offline(a_);
    evaluate();
    SmtpSink::Options o;
    o.refuse = {"operator@staff.test"};
    SmtpSink sink(o);
    auto first = send_emails(sink);
    EXPECT_EQ(first.sent, 2);
    EXPECT_EQ(first.failed, 1);
    auto row =
        sql("SELECT dropped_at IS NOT NULL, last_error FROM email_deliveries WHERE "
            "recipient = 'operator@staff.test'");
    ASSERT_EQ(row.rows(), 1);
    EXPECT_TRUE(row.boolean(0, 0));
    EXPECT_NE(std::string(row.text(0, 1)).find("550"), std::string::npos) << row.text(0, 1);

    // A server that cannot be reached: retried later with backoff.
    sql("UPDATE email_deliveries SET delivered_at = NULL, dropped_at = NULL, attempts = 0, "
        "next_attempt = now() WHERE recipient = 'admin@staff.test'");
    auto c = sink.client_config();
    c.port = SmtpSink::unused_port();
    alerts::SmtpClient client(c);
    auto r = alerts::deliver_emails(*conn_, client, 50);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->failed, 1);
    auto retry =
        sql("SELECT dropped_at IS NULL, delivered_at IS NULL, next_attempt > now(), "
            "attempts FROM email_deliveries WHERE recipient = 'admin@staff.test'");
    EXPECT_TRUE(retry.boolean(0, 0));
    EXPECT_TRUE(retry.boolean(0, 1));
    EXPECT_TRUE(retry.boolean(0, 2));
    EXPECT_EQ(retry.integer(0, 3), 1);
}

TEST_F(NotificationsTest, AnAcknowledgedAlertStopsNotifyingAndIsAudited) {
    auto analyst = login(email("a", "analyst"));
    auto viewer = login(email("a", "viewer"));
    auto admin = login(email("a", "admin"));
    take_site_offline(a_);
    evaluate();
    // Queued but not yet sent when someone acknowledges.
    ASSERT_TRUE(alerts::queue_notification_emails(*conn_, true, ""));
    auto alert = call("GET", "/api/v1/alerts?status=open", &analyst).body["items"][0];
    auto id = alert["alert_id"].get<std::string>();
    EXPECT_TRUE(alert["acknowledged_at"].is_null());

    auto path = "/api/v1/alerts/" + id + "/acknowledge";
    EXPECT_EQ(call("POST", path, &viewer).status, 403);
    auto acked = call("POST", path, &analyst);
    ASSERT_EQ(acked.status, 200) << acked.raw;
    EXPECT_FALSE(acked.body["acknowledged_at"].is_null());
    EXPECT_EQ(acked.body["acknowledged_by"], a_.users["analyst"]);
    auto again = call("POST", path, &admin);
    EXPECT_EQ(again.status, 409) << again.raw;
    EXPECT_NE(again.raw.find("acknowledged this alert already"), std::string::npos) << again.raw;
    EXPECT_EQ(call("POST", "/api/v1/alerts/not-a-uuid/acknowledge", &admin).status, 400);
    auto other = login(email("b", "admin"));
    EXPECT_EQ(call("POST", path, &other).status, 404);

    // Listed as acknowledged; no longer unread for anyone; e-mails dropped.
    auto listed = call("GET", "/api/v1/alerts?status=open", &admin).body["items"][0];
    EXPECT_EQ(listed["acknowledged_by_name"], acked.body["acknowledged_by_name"]);
    EXPECT_EQ(unread(admin), 0);
    SmtpSink sink;
    EXPECT_EQ(send_emails(sink).sent, 0);
    EXPECT_TRUE(sink.messages().empty());
    auto audit =
        sql(fmt::format("SELECT actor_id FROM audit_log WHERE action = "
                        "'alert.acknowledge' AND entity_id = '{}'",
                        id));
    ASSERT_EQ(audit.rows(), 1);
    EXPECT_EQ(audit.text(0, 0), a_.users["analyst"]);
}

TEST_F(NotificationsTest, NewHighSeverityExceptionsReachTheTenantInOneNotification) {
    auto admin = login(email("a", "admin"));
    auto staff = login("admin@staff.test");
    evaluate();
    EXPECT_EQ(unread(admin), 0);  // the fixture's exception is medium
    sql(
        fmt::format("UPDATE recon_exceptions SET severity = 'high', severity_rank = 3, message = "
                    "'contract 11.95, P21 cost 13.40' WHERE exception_id = '{}'",
                    a_.exception_id));
    evaluate();
    evaluate();
    auto listed = call("GET", "/api/v1/notifications", &admin);
    ASSERT_EQ(listed.body["items"].size(), 1u) << listed.raw;
    const auto& n = listed.body["items"][0];
    EXPECT_EQ(n["kind"], "exceptions_high");
    EXPECT_EQ(n["title"], "A new high-severity exception");
    EXPECT_EQ(n["message"], "#1: contract 11.95, P21 cost 13.40");
    EXPECT_EQ(unread(staff), 0);  // reconciliation is the tenant's work
    // Tenant users get it by e-mail per their preference: the analyst opts in.
    auto analyst = login(email("a", "analyst"));
    auto prefs = call("PATCH", "/api/v1/notifications/preferences", &analyst, {{"email", true}});
    ASSERT_EQ(prefs.status, 200) << prefs.raw;
    EXPECT_EQ(prefs.body["email_effective"], true);
    EXPECT_EQ(call("PATCH", "/api/v1/notifications/preferences", &admin, {{"email", false}})
                  .body["email_effective"],
              false);
    EXPECT_EQ(call("PATCH", "/api/v1/notifications/preferences", &admin, {{"email", "yes"}}).status,
              400);
    SmtpSink sink;
    EXPECT_EQ(send_emails(sink).sent, 1);
    EXPECT_EQ(recipients(sink), std::set<std::string>{email("a", "analyst")});
    EXPECT_EQ(call("GET", "/api/v1/notifications/preferences", &analyst).body["email"], true);
    // Staff choose across tenants: their row is not in a tenant's scope.
    EXPECT_EQ(call("GET", "/api/v1/notifications/preferences", &staff).body["email_effective"],
              true);
    auto scoped = staff;
    scoped.tenant_header = a_.tenant_id;
    auto refused = call("GET", "/api/v1/notifications/preferences", &scoped);
    EXPECT_EQ(refused.status, 400);
    EXPECT_NE(refused.raw.find("pick All tenants"), std::string::npos) << refused.raw;
}

TEST_F(NotificationsTest, TheWebhookTestDeliveryIsSignedAndReportsItsOutcome) {
    auto admin = login(email("a", "admin"));
    auto analyst = login(email("a", "analyst"));
    auto none = call("POST", "/api/v1/settings/webhook-test", &admin);
    EXPECT_EQ(none.status, 409) << none.raw;
    EXPECT_NE(none.raw.find("no alert webhook"), std::string::npos) << none.raw;
    ASSERT_EQ(call("PATCH", "/api/v1/settings", &admin,
                   {{"alert_webhook_url", "https://hooks.example.com/contractsync"}})
                  .status,
              200);
    WebhookReceiver hook;
    sql(
        fmt::format("UPDATE tenant_settings SET alert_webhook_url = "
                    "'http://127.0.0.1:{}/hook' WHERE tenant_id = '{}'",
                    hook.port(), a_.tenant_id));
    EXPECT_EQ(call("POST", "/api/v1/settings/webhook-test", &analyst).status, 403);

    // The production policy refuses a loopback address: reported, not retried.
    auto refused = call("POST", "/api/v1/settings/webhook-test", &admin);
    ASSERT_EQ(refused.status, 200) << refused.raw;
    EXPECT_EQ(refused.body["delivered"], false);
    EXPECT_FALSE(refused.body["error"].get<std::string>().empty());
    EXPECT_TRUE(hook.requests().empty());

    env_.webhook_policy = {true, true};
    auto sent = call("POST", "/api/v1/settings/webhook-test", &admin);
    ASSERT_EQ(sent.status, 200) << sent.raw;
    EXPECT_EQ(sent.body["delivered"], true) << sent.raw;
    auto got = hook.requests();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].header("ContractSync-Event"), "alert.test");
    EXPECT_TRUE(got[0].header("ContractSync-Signature").starts_with("t=")) << got[0].head;
    // Both attempts are finished: the background loop does not send them again.
    EXPECT_EQ(sql("SELECT count(*) FROM alert_deliveries WHERE delivered_at IS NULL").integer(0, 0),
              0);
    EXPECT_EQ(
        sql("SELECT count(*) FROM audit_log WHERE action = 'settings.webhook.test'").integer(0, 0),
        2);
}

}  // namespace
}  // namespace cs::relay::api::testing

#pragma once

#include <cstdint>
#include <string>

#include "common/base/expected.hpp"
#include "relay/alerts/webhook_secret.hpp"
#include "relay/alerts/webhook_target.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::alerts {

struct EvaluationReport {
    std::int64_t opened = 0;
    std::int64_t resolved = 0;
    std::int64_t exception_notifications = 0;  // tenants told of new high exceptions
};

// Opens and resolves alerts for every tenant in set-based statements, so an
// alert is raised once per state change rather than on every check:
//  - site_offline: a site that has connected before has been offline longer
//    than the tenant's offline_after_seconds;
//  - run_failing: an entity's last failing_runs_alert runs all failed;
//  - lag: an online site's oldest outbox entry is older than lag_alert_seconds.
// Each change is queued for the tenant's webhook, when one is set, and each
// opened alert becomes a notification (notifications.hpp), as do new
// high-severity reconciliation exceptions.
Expected<EvaluationReport> evaluate(db::Connection& conn);

struct DeliveryReport {
    std::int64_t delivered = 0;
    std::int64_t failed = 0;
};

// Posts due webhook deliveries (JSON, 10 s timeout each) to public https
// addresses only (webhook_target.hpp), signed with the tenant's secret opened
// with `sealing_key` (webhook_secret.hpp); failures, a refused address or a
// secret that does not open included, are retried with exponential backoff for
// up to 24 hours.
Expected<DeliveryReport> deliver_webhooks(db::Connection& conn, std::size_t max_batch = 50,
                                          const WebhookPolicy& policy = {},
                                          const crypto::SealingKey* sealing_key = nullptr);

struct TestDelivery {
    std::int64_t delivery_id = 0;
    std::string url;
    std::string error;  // empty: the webhook answered 2xx
};

// Queues a signed `alert.test` delivery to the tenant's webhook and posts it
// at once, like any delivery but tried only once; conflict when the tenant
// has no webhook.
Expected<TestDelivery> send_test_webhook(db::Connection& conn, std::string_view tenant_id,
                                         const WebhookPolicy& policy = {},
                                         const crypto::SealingKey* sealing_key = nullptr);

}  // namespace cs::relay::alerts

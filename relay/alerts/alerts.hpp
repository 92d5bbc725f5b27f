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
};

// Opens and resolves alerts for every tenant in set-based statements, so an
// alert is raised once per state change rather than on every check:
//  - site_offline: a site that has connected before has been offline longer
//    than the tenant's offline_after_seconds;
//  - run_failing: an entity's last failing_runs_alert runs all failed;
//  - lag: an online site's oldest outbox entry is older than lag_alert_seconds.
// Each change is queued for the tenant's webhook, when one is set.
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

}  // namespace cs::relay::alerts

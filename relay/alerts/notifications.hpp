#pragma once

// Notifications: what the portal's bell lists and what is e-mailed
// (docs/relay.md, "Notifications"). The alert checks write them; each user
// marks them read for themselves; acknowledging an alert silences it.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "relay/alerts/smtp_client.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::alerts {

// One notification per tenant and check for the high-severity reconciliation
// exceptions that opened since its last one ("3 new high-severity
// exceptions: #41, #42, #45"), for the tenant's users only.
Expected<std::int64_t> notify_new_exceptions(db::Connection& conn);

// Queues an e-mail per recipient of each notification not yet queued:
// users with notify_email on, or by default tenant admins, and staff for
// fleet notifications; none for an acknowledged alert's. With `send_email`
// false (no smtp section) the notifications are only marked, so turning
// e-mail on later does not send old news. `portal_url` ends the body with a
// link when set.
Expected<std::int64_t> queue_notification_emails(db::Connection& conn, bool send_email,
                                                 std::string_view portal_url);

struct EmailReport {
    std::int64_t sent = 0;
    std::int64_t failed = 0;
};

// Sends up to `max_batch` due e-mails over one SMTP connection. A failure
// is retried after 30 s, 1 min, 2 min ... (at most an hour apart) for 24
// hours; a permanent refusal (5xx: no such recipient) is dropped at once.
Expected<EmailReport> deliver_emails(db::Connection& conn, SmtpClient& smtp, std::size_t max_batch);

// Acknowledges an open alert as `user_id` (`who` for display), in the
// connection's scope (empty tenant: staff across tenants); drops its unsent
// e-mails. Returns the alert as the API shows it; not_found when there is no
// such alert, conflict when it is resolved or acknowledged already.
Expected<nlohmann::json> acknowledge_alert(db::Connection& conn, std::string_view tenant_id,
                                           std::string_view alert_id, std::string_view user_id,
                                           std::string_view who);

// When a failed delivery (webhook or e-mail) is tried again, as SQL over its
// attempt count $4: 30 s, 1 min, 2 min ... at most an hour later.
inline constexpr std::string_view kRetryAt =
    "now() + least(interval '1 hour', interval '30 seconds' * power(2, $4::int - 1))";

// The JSON of an alert as the API lists it (columns of `alerts a` joined
// with `sites s`).
extern const std::string_view kAlertJson;

}  // namespace cs::relay::alerts

#include "relay/alerts/notifications.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace cs::relay::alerts {
namespace {

// The JSON document of the statement's one row; not_found when there is none.
Expected<nlohmann::json> one_alert(db::Connection& conn, std::string_view what,
                                   const std::string& sql, const db::Params& params) {
    auto r = conn.query(what, sql, params);
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::not_found, "no such alert");
    }
    return nlohmann::json::parse(r->text(0, 0));
}

}  // namespace

const std::string_view kAlertJson =
    "json_build_object('alert_id', a.alert_id, 'tenant_id', a.tenant_id, 'site_id', "
    "a.site_id, 'site_name', s.name, 'kind', a.kind, 'subject', a.subject, 'severity', "
    "a.severity, 'message', a.message, 'details', a.details, 'opened_at', a.opened_at, "
    "'resolved_at', a.resolved_at, 'status', CASE WHEN a.resolved_at IS NULL THEN 'open' "
    "ELSE 'resolved' END, 'acknowledged_at', a.acknowledged_at, 'acknowledged_by', "
    "a.acknowledged_by, 'acknowledged_by_name', a.acknowledged_by_name)";

Expected<std::int64_t> notify_new_exceptions(db::Connection& conn) {
    // Only exceptions of the last hour count, so that the first check after
    // an upgrade does not announce a backlog as new.
    auto r = conn.query(
        "notifying new high-severity exceptions",
        "WITH last AS (SELECT tenant_id, max(exception_seq) AS seq FROM notifications WHERE kind "
        "= 'exceptions_high' GROUP BY tenant_id), fresh AS (SELECT e.tenant_id, count(*) AS n, "
        "max(e.seq) AS seq, string_agg('#' || e.number, ', ' ORDER BY e.number) FILTER (WHERE "
        "e.rn <= 10) AS numbers, max(e.message) FILTER (WHERE e.rn = 1) AS first_message FROM "
        "(SELECT x.*, row_number() OVER (PARTITION BY x.tenant_id ORDER BY x.number) AS rn FROM "
        "recon_exceptions x LEFT JOIN last l ON l.tenant_id = x.tenant_id WHERE x.severity = "
        "'high' AND x.status = 'open' AND x.seq > coalesce(l.seq, 0) AND x.first_seen_at > now() "
        "- interval '1 hour') e GROUP BY e.tenant_id), ins AS (INSERT INTO notifications "
        "(tenant_id, kind, severity, exception_seq, title, message, link, fleet) SELECT "
        "tenant_id, 'exceptions_high', 'high', seq, CASE WHEN n = 1 THEN 'A new high-severity "
        "exception' ELSE n || ' new high-severity exceptions' END, CASE WHEN n = 1 THEN numbers "
        "|| ': ' || first_message ELSE numbers || CASE WHEN n > 10 THEN ' and ' || (n - 10) || "
        "' more' ELSE '' END END, '/recon/exceptions?severity=high&status=open', false FROM "
        "fresh RETURNING 1) SELECT count(*) FROM ins",
        db::Params());
    if (!r) {
        return std::move(r).error();
    }
    return r->integer(0, 0);
}

Expected<std::int64_t> queue_notification_emails(db::Connection& conn, bool send_email,
                                                 std::string_view portal_url) {
    auto r = conn.query(
        "queueing notification e-mails",
        "WITH pending AS (UPDATE notifications SET emails_queued = true WHERE NOT emails_queued "
        "RETURNING *), ins AS (INSERT INTO email_deliveries (tenant_id, notification_id, "
        "recipient, subject, body) SELECT p.tenant_id, p.notification_id, u.email, "
        "'[ContractSync] ' || p.title || ' (' || t.name || ')', p.message || E'\\n\\nTenant: ' "
        "|| t.name || E'\\nAt: ' || to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD "
        "HH24:MI') || ' UTC' || CASE WHEN $2 = '' THEN '' ELSE E'\\n\\nOpen it in ContractSync: "
        "' || rtrim($2, '/') || p.link END || E'\\n\\nYou get this e-mail because notifications "
        "by e-mail are on for ' || u.email || E'; turn them off in the portal under "
        "Notifications.\\n' FROM pending p JOIN tenants t ON t.tenant_id = p.tenant_id JOIN "
        "users u ON (u.tenant_id = p.tenant_id OR (p.fleet AND u.tenant_id IS NULL)) WHERE $1 "
        "AND u.disabled_at IS NULL AND coalesce(u.notify_email, u.tenant_id IS NULL OR u.role = "
        "'admin') AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.tenant_id = p.tenant_id AND "
        "a.alert_id = p.alert_id AND a.acknowledged_at IS NOT NULL) RETURNING 1) SELECT count(*) "
        "FROM ins",
        db::Params().boolean(send_email).text(portal_url));
    if (!r) {
        return std::move(r).error();
    }
    return r->integer(0, 0);
}

Expected<EmailReport> deliver_emails(db::Connection& conn, SmtpClient& smtp,
                                     std::size_t max_batch) {
    EmailReport report;
    // Claimed by pushing the next attempt out, so that two instances never
    // send one e-mail twice.
    auto due = conn.query(
        "claiming notification e-mails",
        "UPDATE email_deliveries d SET next_attempt = now() + interval '5 minutes', attempts = "
        "d.attempts + 1 FROM (SELECT tenant_id, delivery_id FROM email_deliveries WHERE "
        "delivered_at IS NULL AND dropped_at IS NULL AND next_attempt <= now() ORDER BY "
        "next_attempt LIMIT $1 FOR UPDATE SKIP LOCKED) due WHERE d.tenant_id = due.tenant_id "
        "AND d.delivery_id = due.delivery_id RETURNING d.tenant_id, d.delivery_id, d.recipient, "
        "d.subject, d.body, d.attempts, d.created_at < now() - interval '24 hours'",
        db::Params().integer(static_cast<std::int64_t>(max_batch)));
    if (!due) {
        return std::move(due).error();
    }
    for (int i = 0; i < due->rows(); ++i) {
        EmailMessage m{std::string(due->text(i, 2)), std::string(due->text(i, 3)),
                       std::string(due->text(i, 4))};
        auto sent = smtp.send(m);
        auto attempts = due->integer(i, 5);
        // A 5xx reply will not change on retry.
        bool permanent = !sent && sent.error().code == ErrorCode::invalid_argument;
        if (sent) {
            ++report.sent;
        } else {
            ++report.failed;
            spdlog::warn("notification e-mail {} (attempt {}): {}", due->text(i, 1), attempts,
                         sent.error().message);
        }
        auto r = conn.query(
            "recording the notification e-mail",
            fmt::format("UPDATE email_deliveries SET delivered_at = CASE WHEN $3 = '' THEN now() "
                        "END, dropped_at = CASE WHEN $3 <> '' AND ($5 OR $6) THEN now() END, "
                        "last_error = nullif($3, ''), next_attempt = {} WHERE tenant_id = "
                        "$1::uuid AND delivery_id = $2::bigint",
                        kRetryAt),
            db::Params()
                .text(due->text(i, 0))
                .text(due->text(i, 1))
                .text(sent ? std::string() : sent.error().message)
                .integer(attempts)
                .boolean(due->boolean(i, 6))
                .boolean(permanent));
        if (!r) {
            return std::move(r).error();
        }
    }
    return report;
}

Expected<nlohmann::json> acknowledge_alert(db::Connection& conn, std::string_view tenant_id,
                                           std::string_view alert_id, std::string_view user_id,
                                           std::string_view who) {
    auto before = one_alert(
        conn, "reading the alert",
        fmt::format("SELECT {} FROM alerts a JOIN sites s ON s.tenant_id = a.tenant_id AND "
                    "s.site_id = a.site_id WHERE a.alert_id = $2::uuid AND ($1 = '' OR "
                    "a.tenant_id = nullif($1, '')::uuid) FOR UPDATE OF a",
                    kAlertJson),
        db::Params().text(tenant_id).text(alert_id));
    if (!before) {
        return std::move(before).error();
    }
    if (!(*before)["resolved_at"].is_null()) {
        return make_error(ErrorCode::conflict,
                          "the alert is resolved already (at {}): only open alerts are "
                          "acknowledged",
                          (*before)["resolved_at"].get<std::string>());
    }
    if (!(*before)["acknowledged_at"].is_null()) {
        return make_error(ErrorCode::conflict, "{} acknowledged this alert already at {}",
                          (*before)["acknowledged_by_name"].get<std::string>(),
                          (*before)["acknowledged_at"].get<std::string>());
    }
    auto after = one_alert(
        conn, "acknowledging the alert",
        fmt::format("WITH acked AS (UPDATE alerts SET acknowledged_at = now(), acknowledged_by = "
                    "$3::uuid, acknowledged_by_name = $4 WHERE tenant_id = $1::uuid AND alert_id "
                    "= $2::uuid RETURNING *), dropped AS (UPDATE email_deliveries d SET "
                    "dropped_at = now(), last_error = 'the alert was acknowledged' FROM "
                    "notifications n WHERE n.tenant_id = d.tenant_id AND n.notification_id = "
                    "d.notification_id AND n.tenant_id = $1::uuid AND n.alert_id = $2::uuid AND "
                    "d.delivered_at IS NULL AND d.dropped_at IS NULL) SELECT {} FROM acked a "
                    "JOIN sites s ON s.tenant_id = a.tenant_id AND s.site_id = a.site_id",
                    kAlertJson),
        db::Params()
            .text((*before)["tenant_id"].get<std::string>())
            .text(alert_id)
            .text(user_id)
            .text(who));
    return after;
}

}  // namespace cs::relay::alerts

#include "relay/alerts/alerts.hpp"

#include <chrono>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "relay/alerts/notifications.hpp"

namespace cs::relay::alerts {
namespace {

// Shared tail of the opening statements: insert new alerts (the partial unique
// index keeps one open alert per subject), queue webhook deliveries and write
// the notifications (notifications.hpp).
constexpr std::string_view kOpenTail =
    "), opened AS (INSERT INTO alerts (tenant_id, alert_id, site_id, kind, subject, severity, "
    "message, details) SELECT c.tenant_id, gen_random_uuid(), c.site_id, c.kind, c.subject, "
    "c.severity, c.message, c.details FROM cond c ON CONFLICT (tenant_id, site_id, kind, "
    "subject) WHERE resolved_at IS NULL DO NOTHING RETURNING *), queued AS (INSERT INTO "
    "alert_deliveries (tenant_id, alert_id, url, payload) SELECT o.tenant_id, o.alert_id, "
    "ts.alert_webhook_url, json_build_object('event', 'alert.opened', 'alert_id', o.alert_id, "
    "'tenant_id', o.tenant_id, 'site_id', o.site_id, 'kind', o.kind, 'subject', o.subject, "
    "'severity', o.severity, 'message', o.message, 'details', o.details, 'at', o.opened_at) "
    "FROM opened o JOIN tenant_settings ts ON ts.tenant_id = o.tenant_id WHERE "
    "ts.alert_webhook_url IS NOT NULL), notified AS (INSERT INTO notifications (tenant_id, kind, "
    "severity, site_id, alert_id, title, message, link, fleet) SELECT o.tenant_id, o.kind, "
    "o.severity, o.site_id, o.alert_id, CASE o.kind WHEN 'site_offline' THEN 'Site offline: ' "
    "WHEN 'lag' THEN 'Site lagging: ' ELSE 'Runs failing at ' END || s.name || CASE WHEN "
    "o.subject = '' THEN '' ELSE ' (' || o.subject || ')' END, o.message, '/sites/' || "
    "o.site_id, o.kind IN ('site_offline', 'lag') FROM opened o JOIN sites s ON s.tenant_id = "
    "o.tenant_id AND s.site_id = o.site_id) SELECT count(*) FROM opened";

// Conditions that hold now, one CTE per kind (columns: tenant_id, site_id,
// kind, subject, severity, message, details).
constexpr std::string_view kOffline =
    "SELECT o.tenant_id, o.site_id, 'site_offline'::text AS kind, ''::text AS subject, "
    "'alert'::text AS severity, format('site %s has been offline since %s UTC', o.name, "
    "to_char(o.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')) AS message, "
    "jsonb_build_object('last_heartbeat_at', o.last_seen_at, "
    "'offline_after_seconds', o.offline_after_seconds) AS details FROM site_overview o WHERE "
    "o.state = 'offline' AND o.last_seen_at < now() - o.offline_after_seconds * interval '1 "
    "second'";

constexpr std::string_view kFailing =
    "SELECT r.tenant_id, r.site_id, 'run_failing'::text AS kind, r.entity AS subject, "
    "'warning'::text AS severity, format('the last %s runs of %s failed: %s', count(*), "
    "r.entity, left(max(r.error) FILTER (WHERE r.rn = 1), 500)) AS message, "
    "jsonb_build_object('failed_runs', count(*), 'last_error', max(r.error) FILTER (WHERE r.rn "
    "= 1)) AS details FROM (SELECT s.*, row_number() OVER (PARTITION BY s.tenant_id, s.site_id, "
    "s.entity ORDER BY s.finished_at DESC NULLS LAST, s.received_at DESC) AS rn, "
    "coalesce(ts.failing_runs_alert, 3) AS threshold FROM sync_runs s LEFT JOIN "
    "tenant_settings ts ON ts.tenant_id = s.tenant_id) r JOIN sites st ON st.tenant_id = "
    "r.tenant_id AND st.site_id = r.site_id AND st.revoked_at IS NULL WHERE r.rn <= "
    "r.threshold GROUP BY r.tenant_id, r.site_id, r.entity, r.threshold HAVING count(*) = "
    "r.threshold AND bool_and(r.status = 'failed')";

constexpr std::string_view kLag =
    "SELECT o.tenant_id, o.site_id, 'lag'::text AS kind, ''::text AS subject, "
    "'warning'::text AS severity, format('site %s is %s behind (oldest unsent change)', "
    "o.name, CASE WHEN o.outbox_oldest_age_seconds < 7200 THEN "
    "round(o.outbox_oldest_age_seconds::numeric / 60) || ' min' ELSE "
    "round(o.outbox_oldest_age_seconds::numeric / 3600, 1) || ' h' END) AS message, "
    "jsonb_build_object('outbox_oldest_age_seconds', o.outbox_oldest_age_seconds, "
    "'lag_alert_seconds', o.lag_alert_seconds, 'outbox_depth', o.outbox_depth) AS details "
    "FROM site_overview o WHERE o.online AND o.outbox_oldest_age_seconds > o.lag_alert_seconds";

Expected<std::int64_t> open_alerts(db::Connection& conn, std::string_view what,
                                   std::string_view condition) {
    auto r = conn.query(what, fmt::format("WITH cond AS ({}{}", condition, kOpenTail));
    if (!r) {
        return std::move(r).error();
    }
    return r->integer(0, 0);
}

// Resolves open alerts of `kind` whose condition no longer holds.
Expected<std::int64_t> resolve_alerts(db::Connection& conn, std::string_view kind,
                                      std::string_view condition) {
    auto r = conn.query(
        "resolving alerts",
        fmt::format(
            "WITH cond AS ({}), resolved AS (UPDATE alerts a SET resolved_at = now() WHERE "
            "a.kind = $1 AND a.resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM cond c WHERE "
            "c.tenant_id = a.tenant_id AND c.site_id = a.site_id AND c.subject = a.subject) "
            "RETURNING a.*), queued AS (INSERT INTO alert_deliveries (tenant_id, alert_id, url, "
            "payload) SELECT r.tenant_id, r.alert_id, ts.alert_webhook_url, "
            "json_build_object('event', 'alert.resolved', 'alert_id', r.alert_id, 'tenant_id', "
            "r.tenant_id, 'site_id', r.site_id, 'kind', r.kind, 'subject', r.subject, 'message', "
            "r.message, 'at', r.resolved_at) FROM resolved r JOIN tenant_settings ts ON "
            "ts.tenant_id = r.tenant_id WHERE ts.alert_webhook_url IS NOT NULL) SELECT count(*) "
            "FROM resolved",
            condition),
        db::Params().text(kind));
    if (!r) {
        return std::move(r).error();
    }
    return r->integer(0, 0);
}

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) {
    return size * count;
}

// One POST to the address the URL's host was checked at; empty on success,
// otherwise what went wrong.
std::string post_json(const std::string& url, const std::string& body,
                      const std::vector<std::string>& extra_headers, const WebhookPolicy& policy) {
    auto target = resolve_webhook_target(url, policy);
    if (!target) {
        return target.error().message;
    }
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
        return "libcurl could not start";
    }
    auto entry = target->resolve_entry();
    curl_slist* pinned = entry.empty() ? nullptr : curl_slist_append(nullptr, entry.c_str());
    curl_easy_setopt(curl, CURLOPT_RESOLVE, pinned);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, "User-Agent: contractsync-relay");
    for (const auto& h : extra_headers) {
        headers = curl_slist_append(headers, h.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10'000L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5'000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, policy.allow_http ? "http,https" : "https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_slist_free_all(pinned);
    if (rc != CURLE_OK) {
        return curl_easy_strerror(rc);
    }
    if (status < 200 || status >= 300) {
        return fmt::format("the webhook answered HTTP {}", status);
    }
    return {};
}

}  // namespace

Expected<EvaluationReport> evaluate(db::Connection& conn) {
    EvaluationReport report;
    struct Kind {
        std::string_view name;
        std::string_view condition;
    };
    for (const auto& k :
         {Kind{"site_offline", kOffline}, Kind{"run_failing", kFailing}, Kind{"lag", kLag}}) {
        auto resolved = resolve_alerts(conn, k.name, k.condition);
        if (!resolved) {
            return std::move(resolved).error();
        }
        auto opened = open_alerts(conn, "opening alerts", k.condition);
        if (!opened) {
            return std::move(opened).error();
        }
        report.opened += *opened;
        report.resolved += *resolved;
    }
    auto exceptions = notify_new_exceptions(conn);
    if (!exceptions) {
        return std::move(exceptions).error();
    }
    report.exception_notifications = *exceptions;
    return report;
}

namespace {

// The headers that sign one delivery, or what keeps it from being signed.
Expected<std::vector<std::string>> signing_headers(const db::Result& due, int row,
                                                   const crypto::SealingKey* key) {
    std::vector<SealedSecret> stored;
    for (int column : {6, 8}) {
        if (!due.is_null(row, column)) {
            stored.push_back({due.bytea(row, column), std::string(due.text(row, column + 1))});
        }
    }
    std::vector<std::string> headers = {fmt::format("ContractSync-Delivery: {}", due.text(row, 1)),
                                        fmt::format("ContractSync-Event: {}", due.text(row, 10))};
    // A tenant whose webhook was set before signing existed has no secret
    // until an administrator creates one; its deliveries go unsigned.
    if (stored.empty()) {
        return headers;
    }
    auto secrets = open_webhook_secrets(due.text(row, 0), stored, key);
    if (!secrets) {
        return std::move(secrets).error();
    }
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    headers.push_back(fmt::format("{}: {}", kSignatureHeader,
                                  webhook_signature(now, due.text(row, 3), *secrets)));
    for (auto& s : *secrets) {
        OPENSSL_cleanse(s.data(), s.size());
    }
    return headers;
}

// Claims and posts due deliveries (`only`: that one delivery of `tenant`,
// due or not); the last error of each, "" when it was delivered.
Expected<std::vector<std::string>> post_due(db::Connection& conn, std::size_t max_batch,
                                            const WebhookPolicy& policy,
                                            const crypto::SealingKey* sealing_key,
                                            std::string_view tenant, std::int64_t only) {
    std::vector<std::string> outcomes;
    // Claim a batch by pushing its next attempt out, so concurrent instances
    // do not post the same delivery twice.
    auto due = conn.query(
        "claiming webhook deliveries",
        "UPDATE alert_deliveries d SET next_attempt = now() + interval '5 minutes', attempts = "
        "d.attempts + 1 FROM (SELECT a.tenant_id, a.delivery_id, ts.webhook_secret, "
        "ts.webhook_secret_key_id, CASE WHEN ts.webhook_previous_until > now() THEN "
        "ts.webhook_previous_secret END AS previous_secret, CASE WHEN ts.webhook_previous_until "
        "> now() THEN ts.webhook_previous_secret_key_id END AS previous_key_id FROM "
        "alert_deliveries a LEFT JOIN tenant_settings ts ON ts.tenant_id = a.tenant_id WHERE "
        "a.delivered_at IS NULL AND (a.next_attempt <= now() OR $2 > 0) AND ($2 = 0 OR "
        "(a.delivery_id = $2 AND a.tenant_id = nullif($3, '')::uuid)) ORDER BY a.next_attempt "
        "LIMIT $1 "
        "FOR UPDATE OF a SKIP LOCKED) due WHERE d.tenant_id = due.tenant_id AND d.delivery_id = "
        "due.delivery_id RETURNING d.tenant_id, d.delivery_id, d.url, d.payload::text, "
        "d.attempts, d.created_at < now() - interval '24 hours', due.webhook_secret, "
        "due.webhook_secret_key_id, due.previous_secret, due.previous_key_id, "
        "coalesce(d.payload->>'event', '')",
        db::Params().integer(static_cast<std::int64_t>(max_batch)).integer(only).text(tenant));
    if (!due) {
        return std::move(due).error();
    }
    for (int i = 0; i < due->rows(); ++i) {
        auto headers = signing_headers(*due, i, sealing_key);
        auto error = headers ? post_json(std::string(due->text(i, 2)), std::string(due->text(i, 3)),
                                         *headers, policy)
                             : headers.error().message;
        bool expired = due->boolean(i, 5);
        auto attempts = due->integer(i, 4);
        // A test is tried once: its outcome goes back to whoever asked.
        expired = expired || only > 0;
        outcomes.push_back(error);
        if (!error.empty()) {
            spdlog::warn("alert webhook: delivery {} failed (attempt {}): {}", due->text(i, 1),
                         attempts, error);
        }
        // Backoff 30 s, 1 min, 2 min ... capped at 1 hour; give up after 24 hours.
        auto r = conn.query(
            "recording the webhook delivery",
            fmt::format("UPDATE alert_deliveries SET delivered_at = CASE WHEN $3 = '' OR $5 THEN "
                        "now() END, last_error = nullif($3, ''), next_attempt = {} WHERE "
                        "tenant_id = $1::uuid AND delivery_id = $2::bigint",
                        kRetryAt),
            db::Params()
                .text(due->text(i, 0))
                .text(due->text(i, 1))
                .text(error)
                .integer(attempts)
                .boolean(expired));
        if (!r) {
            return std::move(r).error();
        }
    }
    return outcomes;
}

}  // namespace

Expected<DeliveryReport> deliver_webhooks(db::Connection& conn, std::size_t max_batch,
                                          const WebhookPolicy& policy,
                                          const crypto::SealingKey* sealing_key) {
    auto outcomes = post_due(conn, max_batch, policy, sealing_key, "", 0);
    if (!outcomes) {
        return std::move(outcomes).error();
    }
    DeliveryReport report;
    for (const auto& error : *outcomes) {
        ++(error.empty() ? report.delivered : report.failed);
    }
    return report;
}

Expected<TestDelivery> send_test_webhook(db::Connection& conn, std::string_view tenant_id,
                                         const WebhookPolicy& policy,
                                         const crypto::SealingKey* sealing_key) {
    auto queued = conn.query(
        "queueing a test delivery",
        "INSERT INTO alert_deliveries (tenant_id, alert_id, url, payload) SELECT ts.tenant_id, "
        "gen_random_uuid(), ts.alert_webhook_url, json_build_object('event', 'alert.test', "
        "'tenant_id', ts.tenant_id, 'message', 'A test delivery from ContractSync: the webhook "
        "is reachable and its signature can be checked.', 'at', now()) FROM tenant_settings ts "
        "WHERE ts.tenant_id = $1::uuid AND ts.alert_webhook_url IS NOT NULL RETURNING "
        "delivery_id, url",
        db::Params().text(tenant_id));
    if (!queued) {
        return std::move(queued).error();
    }
    if (queued->rows() == 0) {
        return make_error(ErrorCode::conflict,
                          "the tenant has no alert webhook: set its URL under Settings first");
    }
    TestDelivery test{queued->integer(0, 0), std::string(queued->text(0, 1)), {}};
    auto outcomes = post_due(conn, 1, policy, sealing_key, tenant_id, test.delivery_id);
    if (!outcomes) {
        return std::move(outcomes).error();
    }
    test.error = outcomes->empty() ? "the test delivery could not be claimed" : outcomes->front();
    return test;
}

}  // namespace cs::relay::alerts

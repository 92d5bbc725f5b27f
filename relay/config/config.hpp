#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/base/expected.hpp"
#include "common/config/document.hpp"
#include "common/log/log.hpp"
#include "common/wire/codec.hpp"
#include "relay/config/smtp_config.hpp"

namespace cs::relay {

// Where and how to reach PostgreSQL. The password never sits in the config file
// in plain text: it comes from an environment variable, a file, or libpq's own
// PG* variables / .pgpass.
// A login role of the API's connections (docs/security.md, "Row-level
// security"): same server and database as `dsn`, its own user and password.
struct DatabaseLogin {
    std::string user;      // empty: the role migration 0006 creates for the scope
    std::string password;  // resolved at load time; empty: let libpq find one
};

struct DatabaseConfig {
    std::string dsn;                         // libpq connection string or URI, without a password
    std::string password;                    // resolved at load time; empty: let libpq find one
    DatabaseLogin api_tenant;                // tenant-scoped API requests
    DatabaseLogin api_staff;                 // staff API requests across tenants
    std::size_t session_connections = 64;    // one per connected agent (holds its site lock)
    std::size_t shared_connections = 4;      // authentication and /readyz: short statements only
    std::size_t background_connections = 4;  // reconciliation runs, alerts, retention
    std::chrono::milliseconds connect_timeout{10'000};
    // Agent applies and background jobs; API statements have api.statement_timeout.
    std::chrono::milliseconds statement_timeout{300'000};
    std::chrono::milliseconds acquire_timeout{5'000};  // waiting for a pooled connection
};

struct TlsConfig {
    std::filesystem::path certificate_file;  // PEM chain, leaf first
    std::filesystem::path private_key_file;  // PEM
    // Strict-Transport-Security max-age sent on every response; 0: none.
    std::int64_t hsts_max_age_seconds = 31'536'000;
};

// Limits on everything an agent or HTTP client controls.
struct LimitsConfig {
    wire::Limits wire;                              // change set decoding
    std::size_t max_text_message_bytes = 1u << 20;  // JSON control messages
    std::size_t max_header_bytes = 16u << 10;       // HTTP request header block
    std::size_t max_http_body_bytes = 1u << 20;     // HTTP request body
    std::size_t max_upload_bytes = 64u << 20;       // HTTP body of upload routes (vendor files)
    std::size_t window = 8;                         // change sets queued per session
    std::size_t max_streams_per_hello = 64;         // streams an agent may announce
    std::size_t max_sessions = 1000;                // agent sessions per instance
    // TLS connections open at once (HTTP and agent WebSockets alike), in all
    // and from one source address; 0: no cap. A fleet of agents behind one NAT
    // address needs max_connections_per_address above its size.
    std::size_t max_connections = 2000;
    std::size_t max_connections_per_address = 64;
    std::size_t failed_rows_cap = 10'000;           // kept per site and entity
    std::size_t max_failed_rows_per_message = 500;  // protocol: up to 500
    // Per-site quotas against a compromised agent (docs/security.md): entities
    // with records, rows in streams (one per agent install), failed rows kept.
    std::size_t max_entities_per_site = 200;
    std::size_t max_streams_per_site = 16;
    std::size_t max_failed_rows_per_site = 100'000;
};

struct TimeoutsConfig {
    std::chrono::milliseconds tls_handshake{10'000};
    std::chrono::milliseconds http_request{30'000};  // reading one request
    std::chrono::milliseconds http_idle{60'000};     // keep-alive between requests
    std::chrono::milliseconds http_upload{600'000};  // the whole body of an upload
    std::chrono::milliseconds hello{30'000};         // upgrade to hello
    std::chrono::milliseconds site_lock_wait{10'000};
    std::chrono::milliseconds shutdown_grace{10'000};
};

struct AgentsConfig {
    int heartbeat_seconds = 15;
    std::chrono::milliseconds pending_retry_interval{60'000};
};

struct RetentionConfig {
    std::chrono::milliseconds change_log{30LL * 86'400'000};
    std::chrono::milliseconds applied_change_sets{30LL * 86'400'000};
    std::chrono::milliseconds events{90LL * 86'400'000};
    std::chrono::milliseconds heartbeats{14LL * 86'400'000};  // the heartbeat chart's history
    std::chrono::milliseconds sync_runs{90LL * 86'400'000};   // each entity's newest is kept
    std::chrono::milliseconds interval{3'600'000};            // how often the pruning job runs
};

// The REST API and portal sessions.
struct ApiConfig {
    std::chrono::milliseconds session_idle{30LL * 60'000};         // logged out after inactivity
    std::chrono::milliseconds session_lifetime{12LL * 3'600'000};  // absolute limit
    bool secure_cookies = true;  // false only for plain-HTTP development proxies
    // argon2id cost; the defaults follow RFC 9106's second recommended option.
    std::uint32_t argon2_memory_kib = 64u << 10;
    std::uint32_t argon2_iterations = 3;
    std::uint32_t argon2_parallelism = 1;
    // Failed logins allowed per window before further attempts are refused.
    int login_failures_per_account = 5;
    int login_failures_per_address = 30;
    std::chrono::milliseconds login_window{15LL * 60'000};
    std::size_t connections = 8;  // database connections for API requests
    std::size_t threads = 4;      // threads running API and portal requests
    // Every API statement (and authentication's) runs under these; a request
    // that cannot get a lock in time answers 409, one that runs out of time 503,
    // both with Retry-After.
    std::chrono::milliseconds statement_timeout{10'000};
    std::chrono::milliseconds lock_timeout{2'000};
    // Heavy routes (manual reconciliation runs, uploads, exports, suggestions):
    // their statement timeout, and how many may run at once per tenant and in
    // all (0: half of `threads`), so interactive requests always find a thread.
    std::chrono::milliseconds heavy_statement_timeout{120'000};
    std::size_t heavy_per_tenant = 1;
    std::size_t heavy_total = 0;
    std::chrono::milliseconds alert_interval{15'000};  // how often alert conditions are checked
    // The longest lifetime of an API token, where the tenant sets no shorter
    // one (tenant_settings.max_token_lifetime_days); every token expires.
    int max_token_lifetime_days = 365;
    std::filesystem::path portal_dir;  // built portal files; empty: none
};

// Contract reconciliation's background work (docs/reconciliation.md).
struct ReconConfig {
    bool enabled = true;                         // automatic and scheduled runs
    std::chrono::milliseconds interval{60'000};  // how often due tenants are looked for
    std::size_t threads = 2;                     // runs of different tenants at once (one each)
    // A failed automatic run is retried after retry_base, doubling per failure
    // in a row up to retry_max (docs/reconciliation.md).
    std::chrono::milliseconds retry_base{60'000};
    std::chrono::milliseconds retry_max{6LL * 3'600'000};
};

// Prometheus metrics, served on their own plain-HTTP listener and never on
// the public port. Off the loopback interface a scrape must bring the bearer
// token (docs/relay.md, "Metrics").
struct MetricsListenConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9464;  // 0: any free port
    std::string bearer_token;   // resolved at load time; never in the file itself
};

// The `serve` configuration (also read by `migrate` and `admin` for the database).
struct RelayConfig {
    std::string origin;  // the file it came from, for messages
    std::string listen_address = "0.0.0.0";
    int listen_port = 8443;  // 0: any free port (written to data_dir/relay.port)
    std::optional<TlsConfig> tls;
    DatabaseConfig database;
    LimitsConfig limits;
    TimeoutsConfig timeouts;
    AgentsConfig agents;
    RetentionConfig retention;
    ApiConfig api;
    ReconConfig reconciliation;
    std::optional<MetricsListenConfig> metrics = MetricsListenConfig{};  // nullopt: off
    std::size_t io_threads = 2;
    std::size_t apply_threads = 4;   // blocking database work (libpq is synchronous)
    std::filesystem::path data_dir;  // empty: none
    // The key that seals secrets the relay keeps in the database (webhook
    // signing secrets): secrets.key_file, or data_dir/secrets.key; empty when
    // neither is set. Created on first start when missing; every instance of
    // one deployment must use the same file (docs/relay.md, "Sealing key").
    std::filesystem::path secrets_key_file;
    std::optional<SmtpConfig> smtp;  // notification e-mails; nullopt: none are sent
    log::Options logging;
};

// Environment overrides use this prefix: CONTRACTSYNC_RELAY__DATABASE__DSN=...
inline constexpr std::string_view kEnvPrefix = "CONTRACTSYNC_RELAY";

// Loads, applies environment overrides and validates. `env` is environ-style.
Expected<RelayConfig> load_config(const std::filesystem::path& path, const char* const* env);
// Relative paths are resolved against `base_dir` (the config file's folder) when given.
Expected<RelayConfig> parse_config(config::Document doc, const char* const* env,
                                   const std::filesystem::path& base_dir = {});

}  // namespace cs::relay

#include "relay/config/config.hpp"

#include <fmt/format.h>

#include "common/config/reader.hpp"
#include "common/net/metrics_server.hpp"
#include "relay/config/database_config.hpp"
#include "relay/config/secret_setting.hpp"

namespace cs::relay {
namespace {

// Collects the first error of a series of typed reads so each section reads as a list.
class Fields {
public:
    template <typename T, typename U>
    void take(Expected<T> value, U& out) {
        if (failed_) {
            return;
        }
        if (!value) {
            error_ = std::move(value).error();
            failed_ = true;
            return;
        }
        out = static_cast<U>(*value);
    }
    void take(Status status) {
        if (!failed_ && !status) {
            error_ = std::move(status).error();
            failed_ = true;
        }
    }
    bool failed() const { return failed_; }
    Error error() const { return error_; }

private:
    bool failed_ = false;
    Error error_;
};

void read_limits(const config::Reader& r, LimitsConfig& limits, Fields& f) {
    f.take(r.allow_only({"max_frame_bytes", "max_body_bytes", "max_rows", "max_fields",
                         "max_value_bytes", "max_text_message_bytes", "max_header_bytes",
                         "max_http_body_bytes", "max_upload_bytes", "window",
                         "max_streams_per_hello", "max_sessions", "max_connections",
                         "max_connections_per_address", "failed_rows_cap", "max_entities_per_site",
                         "max_streams_per_site", "max_failed_rows_per_site"}));
    auto& w = limits.wire;
    constexpr std::int64_t kGiB = 1LL << 30;
    f.take(
        r.integer_or("max_frame_bytes", static_cast<std::int64_t>(w.max_frame_bytes), 1024, kGiB),
        w.max_frame_bytes);
    f.take(
        r.integer_or("max_body_bytes", static_cast<std::int64_t>(w.max_body_bytes), 1024, 4 * kGiB),
        w.max_body_bytes);
    f.take(r.integer_or("max_rows", static_cast<std::int64_t>(w.max_rows), 1, 100'000'000),
           w.max_rows);
    f.take(r.integer_or("max_fields", static_cast<std::int64_t>(w.max_fields), 1, 100'000),
           w.max_fields);
    f.take(r.integer_or("max_value_bytes", static_cast<std::int64_t>(w.max_value_bytes), 64, kGiB),
           w.max_value_bytes);
    f.take(r.integer_or("max_text_message_bytes",
                        static_cast<std::int64_t>(limits.max_text_message_bytes), 4096, kGiB),
           limits.max_text_message_bytes);
    f.take(r.integer_or("max_header_bytes", static_cast<std::int64_t>(limits.max_header_bytes),
                        1024, 1 << 20),
           limits.max_header_bytes);
    f.take(r.integer_or("max_http_body_bytes",
                        static_cast<std::int64_t>(limits.max_http_body_bytes), 0, kGiB),
           limits.max_http_body_bytes);
    f.take(r.integer_or("max_upload_bytes", static_cast<std::int64_t>(limits.max_upload_bytes), 0,
                        4 * kGiB),
           limits.max_upload_bytes);
    f.take(r.integer_or("window", static_cast<std::int64_t>(limits.window), 1, 1024),
           limits.window);
    f.take(r.integer_or("max_streams_per_hello",
                        static_cast<std::int64_t>(limits.max_streams_per_hello), 1, 10'000),
           limits.max_streams_per_hello);
    f.take(
        r.integer_or("max_sessions", static_cast<std::int64_t>(limits.max_sessions), 1, 1'000'000),
        limits.max_sessions);
    f.take(r.integer_or("max_connections", static_cast<std::int64_t>(limits.max_connections), 0,
                        10'000'000),
           limits.max_connections);
    f.take(
        r.integer_or("max_connections_per_address",
                     static_cast<std::int64_t>(limits.max_connections_per_address), 0, 10'000'000),
        limits.max_connections_per_address);
    f.take(r.integer_or("failed_rows_cap", static_cast<std::int64_t>(limits.failed_rows_cap), 1,
                        100'000'000),
           limits.failed_rows_cap);
    f.take(r.integer_or("max_entities_per_site",
                        static_cast<std::int64_t>(limits.max_entities_per_site), 1, 100'000),
           limits.max_entities_per_site);
    f.take(r.integer_or("max_streams_per_site",
                        static_cast<std::int64_t>(limits.max_streams_per_site), 1, 10'000),
           limits.max_streams_per_site);
    f.take(
        r.integer_or("max_failed_rows_per_site",
                     static_cast<std::int64_t>(limits.max_failed_rows_per_site), 1, 1'000'000'000),
        limits.max_failed_rows_per_site);
}

void read_timeouts(const config::Reader& r, TimeoutsConfig& t, Fields& f) {
    f.take(r.allow_only({"tls_handshake", "http_request", "http_idle", "http_upload", "hello",
                         "site_lock_wait", "shutdown_grace"}));
    f.take(r.duration_or("tls_handshake", t.tls_handshake), t.tls_handshake);
    f.take(r.duration_or("http_request", t.http_request), t.http_request);
    f.take(r.duration_or("http_idle", t.http_idle), t.http_idle);
    f.take(r.duration_or("http_upload", t.http_upload), t.http_upload);
    f.take(r.duration_or("hello", t.hello), t.hello);
    f.take(r.duration_or("site_lock_wait", t.site_lock_wait), t.site_lock_wait);
    f.take(r.duration_or("shutdown_grace", t.shutdown_grace), t.shutdown_grace);
}

void read_retention(const config::Reader& r, RetentionConfig& t, Fields& f) {
    f.take(r.allow_only(
        {"change_log", "applied_change_sets", "events", "heartbeats", "sync_runs", "interval"}));
    f.take(r.duration_or("change_log", t.change_log), t.change_log);
    f.take(r.duration_or("applied_change_sets", t.applied_change_sets), t.applied_change_sets);
    f.take(r.duration_or("events", t.events), t.events);
    f.take(r.duration_or("heartbeats", t.heartbeats), t.heartbeats);
    f.take(r.duration_or("sync_runs", t.sync_runs), t.sync_runs);
    f.take(r.duration_or("interval", t.interval), t.interval);
}

void read_api(const config::Reader& r, ApiConfig& a, Fields& f) {
    f.take(r.allow_only({"session_idle", "session_lifetime", "secure_cookies", "argon2_memory_kib",
                         "argon2_iterations", "argon2_parallelism", "login_failures_per_account",
                         "login_failures_per_address", "login_window", "connections", "threads",
                         "statement_timeout", "lock_timeout", "heavy_statement_timeout",
                         "heavy_per_tenant", "heavy_total", "alert_interval", "portal_dir",
                         "max_token_lifetime_days"}));
    f.take(r.duration_or("session_idle", a.session_idle), a.session_idle);
    f.take(r.duration_or("session_lifetime", a.session_lifetime), a.session_lifetime);
    f.take(r.boolean_or("secure_cookies", a.secure_cookies), a.secure_cookies);
    // Tests lower the cost to stay fast; production keeps the defaults (docs/api.md).
    f.take(r.integer_or("argon2_memory_kib", a.argon2_memory_kib, 8, 4 << 20), a.argon2_memory_kib);
    f.take(r.integer_or("argon2_iterations", a.argon2_iterations, 1, 100), a.argon2_iterations);
    f.take(r.integer_or("argon2_parallelism", a.argon2_parallelism, 1, 64), a.argon2_parallelism);
    f.take(r.integer_or("login_failures_per_account", a.login_failures_per_account, 1, 10'000),
           a.login_failures_per_account);
    f.take(r.integer_or("login_failures_per_address", a.login_failures_per_address, 1, 100'000),
           a.login_failures_per_address);
    f.take(r.duration_or("login_window", a.login_window), a.login_window);
    f.take(r.integer_or("connections", static_cast<std::int64_t>(a.connections), 1, 1024),
           a.connections);
    f.take(r.integer_or("threads", static_cast<std::int64_t>(a.threads), 1, 1024), a.threads);
    f.take(r.duration_or("statement_timeout", a.statement_timeout), a.statement_timeout);
    f.take(r.duration_or("lock_timeout", a.lock_timeout), a.lock_timeout);
    f.take(r.duration_or("heavy_statement_timeout", a.heavy_statement_timeout),
           a.heavy_statement_timeout);
    f.take(r.integer_or("heavy_per_tenant", static_cast<std::int64_t>(a.heavy_per_tenant), 1, 1024),
           a.heavy_per_tenant);
    f.take(r.integer_or("heavy_total", static_cast<std::int64_t>(a.heavy_total), 0, 1024),
           a.heavy_total);
    f.take(r.duration_or("alert_interval", a.alert_interval), a.alert_interval);
    f.take(r.integer_or("max_token_lifetime_days", a.max_token_lifetime_days, 1, 3650),
           a.max_token_lifetime_days);
    std::string portal;
    f.take(r.string_or("portal_dir", ""), portal);
    a.portal_dir = portal;
}

// "metrics": {"listen": "127.0.0.1:9464", "bearer_token_env" | "bearer_token_file"};
// an empty listen turns the listener off.
void read_metrics(const config::Reader& r, std::optional<MetricsListenConfig>& m,
                  const char* const* env, const std::filesystem::path& base_dir, Fields& f) {
    f.take(r.allow_only({"listen", "bearer_token_env", "bearer_token_file"}));
    std::string listen = "127.0.0.1:9464";
    f.take(r.string_or("listen", listen), listen);
    std::string token;
    f.take(read_secret_setting(r, "bearer_token", "metrics bearer token", env, base_dir), token);
    if (f.failed()) {
        return;
    }
    if (listen.empty()) {
        m.reset();
        return;
    }
    auto where = net::parse_host_port(listen, "metrics.listen");
    if (!where) {
        f.take(Status(r.error("listen", where.error().message)));
        return;
    }
    if (!net::is_loopback(where->host) && token.empty()) {
        f.take(Status(r.error("listen", fmt::format("{} is not a loopback address: set "
                                                    "bearer_token_env or bearer_token_file so "
                                                    "that scrapes must authenticate",
                                                    where->host))));
        return;
    }
    m = MetricsListenConfig{where->host, where->port, std::move(token)};
}

void read_logging(const config::Reader& r, log::Options& o, Fields& f) {
    f.take(r.allow_only({"format", "level", "file", "max_file_bytes", "max_files"}));
    std::string format = "console";
    f.take(r.string_or("format", "console"), format);
    if (!f.failed()) {
        auto parsed = log::parse_format(format);
        if (!parsed) {
            f.take(Status(r.error("format", parsed.error().message)));
        } else {
            o.format = *parsed;
        }
    }
    f.take(r.string_or("level", o.level), o.level);
    f.take(r.string_or("file", ""), o.file);
    f.take(r.integer_or("max_file_bytes", static_cast<std::int64_t>(o.max_file_bytes), 4096,
                        1LL << 40),
           o.max_file_bytes);
    f.take(r.integer_or("max_files", static_cast<std::int64_t>(o.max_files), 1, 1000), o.max_files);
    o.name = "contractsync-relay";
}

}  // namespace

Expected<RelayConfig> parse_config(config::Document doc, const char* const* env,
                                   const std::filesystem::path& base_dir) {
    if (auto s = doc.apply_env_overrides(kEnvPrefix, env); !s) {
        return std::move(s).error();
    }
    config::Reader root(doc);
    RelayConfig cfg;
    cfg.origin = doc.origin();
    Fields f;
    f.take(root.allow_only({"listen", "tls", "database", "limits", "timeouts", "agents",
                            "retention", "api", "reconciliation", "metrics", "io_threads",
                            "apply_threads", "data_dir", "secrets", "logging", "smtp"}));
    if (auto listen = root.optional_object("listen")) {
        f.take(listen->allow_only({"address", "port"}));
        f.take(listen->string_or("address", cfg.listen_address), cfg.listen_address);
        f.take(listen->integer_or("port", cfg.listen_port, 0, 65535), cfg.listen_port);
    }
    if (auto tls = root.optional_object("tls")) {
        TlsConfig t;
        std::string cert;
        std::string key;
        f.take(tls->allow_only({"certificate_file", "private_key_file", "hsts_max_age_seconds"}));
        f.take(tls->string("certificate_file"), cert);
        f.take(tls->string("private_key_file"), key);
        f.take(tls->integer_or("hsts_max_age_seconds", t.hsts_max_age_seconds, 0, 2LL * 31'536'000),
               t.hsts_max_age_seconds);
        t.certificate_file = cert;
        t.private_key_file = key;
        cfg.tls = t;
    }
    if (f.failed()) {
        return f.error();
    }
    auto db_section = root.object("database");
    if (!db_section) {
        return std::move(db_section).error();
    }
    auto db = read_database_config(*db_section, env, base_dir);
    if (!db) {
        return std::move(db).error();
    }
    cfg.database = std::move(*db);
    if (auto r = root.optional_object("limits")) {
        read_limits(*r, cfg.limits, f);
    }
    if (auto r = root.optional_object("timeouts")) {
        read_timeouts(*r, cfg.timeouts, f);
    }
    if (auto r = root.optional_object("agents")) {
        f.take(r->allow_only({"heartbeat_seconds", "pending_retry_interval"}));
        f.take(r->integer_or("heartbeat_seconds", cfg.agents.heartbeat_seconds, 1, 3600),
               cfg.agents.heartbeat_seconds);
        f.take(r->duration_or("pending_retry_interval", cfg.agents.pending_retry_interval),
               cfg.agents.pending_retry_interval);
    }
    if (auto r = root.optional_object("retention")) {
        read_retention(*r, cfg.retention, f);
    }
    if (auto r = root.optional_object("api")) {
        read_api(*r, cfg.api, f);
    }
    if (auto r = root.optional_object("reconciliation")) {
        auto& rc = cfg.reconciliation;
        f.take(r->allow_only({"enabled", "interval", "threads", "retry_base", "retry_max"}));
        f.take(r->boolean_or("enabled", rc.enabled), rc.enabled);
        f.take(r->duration_or("interval", rc.interval), rc.interval);
        f.take(r->integer_or("threads", static_cast<std::int64_t>(rc.threads), 1, 64), rc.threads);
        f.take(r->duration_or("retry_base", rc.retry_base), rc.retry_base);
        f.take(r->duration_or("retry_max", rc.retry_max), rc.retry_max);
    }
    if (auto r = root.optional_object("logging")) {
        read_logging(*r, cfg.logging, f);
    }
    if (auto r = root.optional_object("metrics")) {
        read_metrics(*r, cfg.metrics, env, base_dir, f);
    }
    f.take(root.integer_or("io_threads", static_cast<std::int64_t>(cfg.io_threads), 1, 256),
           cfg.io_threads);
    f.take(root.integer_or("apply_threads", static_cast<std::int64_t>(cfg.apply_threads), 1, 1024),
           cfg.apply_threads);
    std::string data_dir;
    f.take(root.string_or("data_dir", ""), data_dir);
    cfg.data_dir = data_dir;
    std::string key_file;
    if (auto r = root.optional_object("secrets")) {
        f.take(r->allow_only({"key_file"}));
        f.take(r->string_or("key_file", ""), key_file);
    }
    cfg.secrets_key_file = key_file;
    if (auto r = root.optional_object("smtp")) {
        auto smtp = read_smtp_config(*r, env, base_dir);
        f.take(smtp ? ok() : Status(smtp.error()));
        if (smtp) {
            cfg.smtp = std::move(*smtp);
        }
    }
    if (f.failed()) {
        return f.error();
    }
    // Each run holds a background connection; the scheduler's pass, alert
    // checks and retention need one more between them.
    if (cfg.reconciliation.enabled &&
        cfg.database.background_connections < cfg.reconciliation.threads + 1) {
        return make_error(ErrorCode::invalid_argument,
                          "{}: database.background_connections ({}) must be at least "
                          "reconciliation.threads + 1 ({})",
                          cfg.origin, cfg.database.background_connections,
                          cfg.reconciliation.threads + 1);
    }
    auto resolve = [&](std::filesystem::path& p) {
        if (!base_dir.empty() && !p.empty() && p.is_relative()) {
            p = base_dir / p;
        }
    };
    if (cfg.tls) {
        resolve(cfg.tls->certificate_file);
        resolve(cfg.tls->private_key_file);
    }
    resolve(cfg.data_dir);
    resolve(cfg.secrets_key_file);
    if (cfg.secrets_key_file.empty() && !cfg.data_dir.empty()) {
        cfg.secrets_key_file = cfg.data_dir / "secrets.key";
    }
    resolve(cfg.api.portal_dir);
    if (!cfg.logging.file.empty()) {
        std::filesystem::path file = cfg.logging.file;
        resolve(file);
        cfg.logging.file = file.string();
    }
    return cfg;
}

Expected<RelayConfig> load_config(const std::filesystem::path& path, const char* const* env) {
    auto doc = config::Document::load(path);
    if (!doc) {
        return std::move(doc).error();
    }
    // Relative paths in the file mean the file's folder, whatever the working
    // directory of the service or of an operator running `migrate` or `admin`.
    return parse_config(std::move(*doc), env, std::filesystem::absolute(path).parent_path());
}

}  // namespace cs::relay

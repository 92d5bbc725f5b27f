#include "relay/cli/relay_service.hpp"

#include <fstream>
#include <mutex>
#include <set>

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "common/net/metrics_server.hpp"
#include "common/version/version.hpp"
#include "relay/agent_link/agent_endpoint.hpp"
#include "relay/agent_link/notifier.hpp"
#include "relay/alerts/alerts.hpp"
#include "relay/alerts/notifications.hpp"
#include "relay/api/api.hpp"
#include "relay/apply/retention.hpp"
#include "relay/cli/cli_support.hpp"
#include "relay/cli/sealing_key.hpp"
#include "relay/db/migrations.hpp"
#include "relay/portal_server/portal_server.hpp"
#include "relay/recon/scheduler.hpp"
#include "relay/server/admission.hpp"
#include "relay/server/health.hpp"
#include "relay/server/server.hpp"
#include "relay/storage/local_blob_store.hpp"

namespace cs::relay::cli {
namespace {

// Authentication and /readyz: short statements only, under the API's limits.
db::ConnectOptions short_options(const RelayConfig& c) {
    auto o = connect_options(c);
    o.statement_timeout = c.api.statement_timeout;
    o.lock_timeout = c.api.lock_timeout;
    return o;
}

// API requests set their own limits per transaction; this is the longest.
db::ConnectOptions api_options(const RelayConfig& c, db::ApiScope scope) {
    auto o = api_connect_options(c, scope);
    o.statement_timeout = c.api.heavy_statement_timeout;
    return o;
}

recon::SchedulerOptions scheduler_options(const RelayConfig& c) {
    recon::SchedulerOptions o;
    o.retry_base = c.reconciliation.retry_base;
    o.retry_max = c.reconciliation.retry_max;
    return o;
}

std::size_t heavy_total(const RelayConfig& c) {
    return c.api.heavy_total > 0 ? c.api.heavy_total : std::max<std::size_t>(1, c.api.threads / 2);
}

std::string instance_name() {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    return fmt::format("{}:{}", host, ::getpid());
}

server::ServerOptions server_options(const RelayConfig& c, metrics::Registry& registry) {
    server::ServerOptions o;
    o.address = c.listen_address;
    o.port = c.listen_port;
    o.tls = *c.tls;
    o.io_threads = c.io_threads;
    o.max_header_bytes = c.limits.max_header_bytes;
    o.max_body_bytes = c.limits.max_http_body_bytes;
    o.max_connections = c.limits.max_connections;
    o.max_connections_per_address = c.limits.max_connections_per_address;
    o.tls_handshake = c.timeouts.tls_handshake;
    o.http_request = c.timeouts.http_request;
    o.http_idle = c.timeouts.http_idle;
    o.http_upload = c.timeouts.http_upload;
    o.shutdown_grace = c.timeouts.shutdown_grace;
    o.hsts_max_age = std::chrono::seconds(c.tls->hsts_max_age_seconds);
    o.metrics = &registry;
    return o;
}

// Supervisors and tests learn the bound ports here when they are 0:
// relay.port (listen.port), relay.metrics-port (metrics.listen).
Status write_port_file(const std::filesystem::path& dir, std::string_view name, int port) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    auto path = dir / name;
    auto tmp = dir / fmt::format("{}.tmp", name);
    {
        std::ofstream out(tmp);
        out << port << "\n";
        if (!out) {
            return make_error(ErrorCode::io_error, "{}: cannot write the port file", tmp.string());
        }
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        return make_error(ErrorCode::io_error, "{}: {}", path.string(), ec.message());
    }
    return ok();
}

void prune_once(db::Pool& pool, const RelayConfig& config, metrics::RelayMetrics& m) {
    auto lease = pool.acquire(config.database.acquire_timeout);
    if (!lease) {
        spdlog::warn("retention: {}", lease.error().message);
        return;
    }
    apply::RetentionPolicy policy{config.retention.change_log, config.retention.applied_change_sets,
                                  config.retention.events};
    policy.heartbeats = config.retention.heartbeats;
    policy.sync_runs = config.retention.sync_runs;
    auto report = apply::prune(**lease, policy);
    if (!report) {
        spdlog::warn("retention: {}", report.error().message);
        return;
    }
    m.retention_rows_deleted.inc(static_cast<double>(report->total()));
    if (report->total() > 0) {
        spdlog::info(
            "retention: removed {} change_log, {} applied_change_sets, {} event, {} account, {} "
            "heartbeat and {} sync run rows",
            report->change_log, report->applied_change_sets, report->events, report->accounts,
            report->heartbeats, report->sync_runs);
    }
}

void check_alerts_once(db::Pool& pool, const RelayConfig& config,
                       const crypto::SealingKey* sealing_key) {
    auto lease = pool.acquire(config.database.acquire_timeout);
    if (!lease) {
        spdlog::warn("alerts: {}", lease.error().message);
        return;
    }
    auto report = alerts::evaluate(**lease);
    if (!report) {
        spdlog::warn("alerts: {}", report.error().message);
        return;
    }
    if (report->opened + report->resolved > 0) {
        spdlog::info("alerts: {} opened, {} resolved", report->opened, report->resolved);
    }
    if (auto d = alerts::deliver_webhooks(**lease, 50, {}, sealing_key); !d) {
        spdlog::warn("alert webhooks: {}", d.error().message);
    }
    const auto& smtp = config.smtp;
    if (auto q = alerts::queue_notification_emails(**lease, smtp.has_value(),
                                                   smtp ? smtp->portal_url : "");
        !q) {
        spdlog::warn("notification e-mails: {}", q.error().message);
        return;
    }
    if (smtp) {
        alerts::SmtpClient client(*smtp);
        if (auto e = alerts::deliver_emails(**lease, client, smtp->batch); !e) {
            spdlog::warn("notification e-mails: {}", e.error().message);
        }
    }
}

// Connections of background work in progress, so that stopping the relay can
// cancel a long statement instead of waiting it out.
class Cancellable {
public:
    // False once stopping: the work must not start.
    bool add(db::Connection* c) {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return false;
        }
        live_.insert(c);
        return true;
    }
    void remove(db::Connection* c) {
        std::lock_guard lock(mutex_);
        live_.erase(c);
    }
    void cancel_all() {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto* c : live_) {
            c->cancel();
        }
    }
    bool stopping() const {
        std::lock_guard lock(mutex_);
        return stopping_;
    }

private:
    mutable std::mutex mutex_;
    std::set<db::Connection*> live_;
    bool stopping_ = false;
};

void log_runs(const recon::TickReport& report) {
    for (const auto& run : report.runs) {
        spdlog::info(
            "reconciliation: {} run {}: {} lines, {} exceptions open ({} new, {} "
            "resolved)",
            run.trigger, run.run_id, run.lines, run.open_after, run.opened, run.auto_resolved);
    }
    for (const auto& e : report.errors) {
        spdlog::warn("reconciliation: {}", e);
    }
}

// Logs in as each API role once and checks it cannot escape row-level
// security, so a relay with a wrong role refuses to start rather than serve.
Status check_api_logins(const RelayConfig& c) {
    for (auto scope : {db::ApiScope::tenant, db::ApiScope::staff}) {
        auto options = api_connect_options(c, scope);
        auto what =
            fmt::format("database.{}_user ({})", db::api_login(scope).config_key, options.user);
        auto conn = db::Connection::open(options);
        if (!conn) {
            return std::move(conn).error().wrap(
                fmt::format("{}: API requests log in as this role; set its password with "
                            "database.{}_password_file and `contractsync-relay admin db-roles` "
                            "(docs/relay.md)",
                            what, db::api_login(scope).config_key));
        }
        if (auto s = db::check_api_login(**conn, scope); !s) {
            return s;
        }
    }
    return ok();
}

api::ApiEnv api_env(const RelayConfig& c, db::Pool& scoped, db::Pool& staff, db::Pool& owner,
                    server::KeyedLimiter& heavy) {
    api::ApiEnv env;
    env.auth.cost = {c.api.argon2_memory_kib, c.api.argon2_iterations, c.api.argon2_parallelism};
    env.auth.session_idle = c.api.session_idle;
    env.auth.session_lifetime = c.api.session_lifetime;
    env.auth.failures_per_account = c.api.login_failures_per_account;
    env.auth.failures_per_address = c.api.login_failures_per_address;
    env.auth.login_window = c.api.login_window;
    env.secure_cookies = c.api.secure_cookies;
    env.liveness_seconds = 3 * c.agents.heartbeat_seconds;
    env.scoped_pool = &scoped;
    env.staff_pool = &staff;
    env.owner_pool = &owner;
    env.acquire_timeout = c.database.acquire_timeout;
    env.max_upload_bytes = c.limits.max_upload_bytes;
    env.statement_timeout = c.api.statement_timeout;
    env.lock_timeout = c.api.lock_timeout;
    env.heavy_statement_timeout = c.api.heavy_statement_timeout;
    env.heavy = &heavy;
    env.max_token_lifetime_days = c.api.max_token_lifetime_days;
    return env;
}

}  // namespace

// The relay's budgets (docs/relay.md, "Budgets"): agents, interactive
// requests and background jobs each have their own threads and database
// connections, so that none can take what another needs.
struct RelayService::Impl {
    explicit Impl(const RelayConfig& c)
        : config(c),
          options(connect_options(c)),
          shared(short_options(c), c.database.shared_connections, "shared"),
          background(options, c.database.background_connections, "background"),
          sessions(options, c.database.session_connections, "session"),
          api_tenant_pool(api_options(c, db::ApiScope::tenant), c.api.connections, "api-tenant"),
          api_staff_pool(api_options(c, db::ApiScope::staff), c.api.connections, "api-staff"),
          metrics(registry),
          agent_lane(c.apply_threads),
          api_lane(c.api.threads),
          probe_lane(1),
          recon_lane(c.reconciliation.threads),
          heavy(heavy_total(c), c.api.heavy_per_tenant),
          recon_runs(c.reconciliation.threads, 1),
          notifier(options, live, metrics),
          recon_scheduler(scheduler_options(c)) {}

    RelayConfig config;
    db::ConnectOptions options;
    db::Pool shared;      // authentication (API and agents) and /readyz
    db::Pool background;  // reconciliation, alerts, retention
    db::Pool sessions;    // one per agent session: its site lock and applies
    // API requests under row-level security, each pool logged in as its own
    // role; together they never hold more than api.threads connections.
    db::Pool api_tenant_pool;
    db::Pool api_staff_pool;
    api::ApiEnv api;
    metrics::Registry registry;
    metrics::RelayMetrics metrics;
    server::BlockingPool agent_lane;  // agent upgrades and session jobs (applies)
    server::BlockingPool api_lane;    // API and portal requests
    server::BlockingPool probe_lane;  // /readyz
    server::BlockingPool recon_lane;  // reconciliation runs, one tenant each
    server::KeyedLimiter heavy;       // heavy API requests, per tenant and in all
    server::KeyedLimiter recon_runs;  // runs in progress: one per tenant
    Cancellable background_work;
    agent_link::SessionRegistry live;
    agent_link::Notifier notifier;
    std::unique_ptr<server::Server> server;
    std::unique_ptr<net::MetricsServer> metrics_server;  // metrics.listen
    std::unique_ptr<apply::PeriodicWorker> retention;
    std::unique_ptr<apply::PeriodicWorker> alert_checks;
    std::unique_ptr<storage::LocalBlobStore> blobs;   // uploaded vendor files
    std::unique_ptr<crypto::SealingKey> sealing_key;  // secrets.key_file; null: none
    recon::Scheduler recon_scheduler;
    std::unique_ptr<apply::PeriodicWorker> recon_checks;
    int port = 0;
    bool stopped = false;

    // Hands each due tenant to the reconciliation lane, unless its run is in
    // progress already or the lane is full (the next tick sees it again).
    void reconcile_once() {
        recon::TickReport report;
        std::vector<recon::DueRun> due;
        {
            auto lease = background.acquire(config.database.acquire_timeout);
            if (!lease) {
                spdlog::warn("reconciliation: {}", lease.error().message);
                return;
            }
            auto found = recon_scheduler.due(**lease, report);
            if (!found) {
                spdlog::warn("reconciliation: {}", found.error().message);
                return;
            }
            due = std::move(*found);
        }
        for (const auto& d : due) {
            auto permit = recon_runs.try_acquire(d.tenant_id);
            if (!permit) {
                continue;
            }
            auto held = std::make_shared<server::KeyedLimiter::Permit>(std::move(*permit));
            recon_lane.post([this, d, held] {
                if (background_work.stopping()) {
                    return;  // not worth a connection
                }
                auto lease = background.acquire(config.database.acquire_timeout);
                if (!lease) {
                    spdlog::warn("reconciliation: tenant {}: {}", d.tenant_id,
                                 lease.error().message);
                    return;
                }
                if (!background_work.add(&**lease)) {
                    return;
                }
                recon::TickReport ran;
                recon_scheduler.run_due(**lease, d, ran,
                                        [this] { return background_work.stopping(); });
                background_work.remove(&**lease);
                log_runs(ran);
            });
        }
    }
};

RelayService::RelayService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RelayService::~RelayService() {
    stop();
}

int RelayService::port() const {
    return impl_->port;
}

int RelayService::metrics_port() const {
    return impl_->metrics_server ? impl_->metrics_server->port() : 0;
}

Expected<std::unique_ptr<RelayService>> RelayService::start(const RelayConfig& config) {
    if (!config.tls) {
        return make_error(ErrorCode::invalid_argument,
                          "{}: tls.certificate_file and tls.private_key_file are required to serve",
                          config.origin);
    }
    std::shared_ptr<const portal_server::PortalServer> portal;
    db::TenantClaimKey claim_key;
    std::unique_ptr<crypto::SealingKey> sealing_key;
    if (!config.api.portal_dir.empty()) {
        auto opened = portal_server::PortalServer::open({config.api.portal_dir});
        if (!opened) {
            return std::move(opened).error();
        }
        portal = std::move(*opened);
    }
    {
        auto conn = db::Connection::open(connect_options(config));
        if (!conn) {
            return std::move(conn).error().wrap("database");
        }
        // Concurrently starting instances serialise on the migration lock.
        auto report = db::run_migrations(**conn);
        if (!report) {
            return std::move(report).error().wrap("migrations");
        }
        spdlog::info("database schema at version {} ({} migration(s) applied now)",
                     report->current_version, report->applied_now);
        auto superuser = db::logged_in_as_superuser(**conn);
        if (!superuser) {
            return std::move(superuser).error().wrap("database");
        }
        if (*superuser) {
            spdlog::warn(
                "database.dsn logs in as a superuser, which no row-level security binds; give "
                "the relay a dedicated owner role (docs/relay.md, \"Database roles\")");
        }
        auto key = db::TenantClaimKey::load(**conn);
        if (!key) {
            return std::move(key).error().wrap("database");
        }
        claim_key = std::move(*key);
        auto sealing = open_sealing_key(config, **conn);
        if (!sealing) {
            return std::move(sealing).error();
        }
        sealing_key = std::move(*sealing);
    }
    if (auto s = check_api_logins(config); !s) {
        return std::move(s).error();
    }
    auto impl = std::make_unique<Impl>(config);
    auto& s = *impl;
    s.registry
        .gauge("contractsync_relay_build_info", "Always 1; labels name the build",
               {{"version", std::string(cs::version())}})
        .set(1);
    auto context = std::make_shared<agent_link::AgentContext>(agent_link::AgentContext{
        s.config, &s.shared, &s.sessions, &s.agent_lane, &s.metrics, &s.live, instance_name()});
    auto router = std::make_shared<server::Router>();
    server::add_health_routes(*router, s.shared);
    router->add_websocket("/v1/agent", std::make_shared<agent_link::AgentEndpoint>(context));
    s.api = api_env(s.config, s.api_tenant_pool, s.api_staff_pool, s.shared, s.heavy);
    s.api.claim_key = std::move(claim_key);
    s.sealing_key = std::move(sealing_key);
    s.api.sealing_key = s.sealing_key.get();
    if (!s.config.data_dir.empty()) {
        auto blobs = storage::LocalBlobStore::open(s.config.data_dir / "blobs");
        if (!blobs) {
            return std::move(blobs).error().wrap("data_dir");
        }
        s.blobs = std::move(*blobs);
        s.api.blobs = s.blobs.get();
    }
    api::install(*router, s.api);
    if (portal) {
        // Last: every route above wins over the portal's catch-all.
        portal_server::install(*router, std::move(portal));
        spdlog::info("serving the portal from {}", s.config.api.portal_dir.string());
    }
    s.notifier.start();
    s.server =
        std::make_unique<server::Server>(server_options(s.config, s.registry), router,
                                         server::Lanes{&s.api_lane, &s.probe_lane, &s.agent_lane});
    auto port = s.server->start();
    if (!port) {
        s.notifier.stop();
        return std::move(port).error();
    }
    s.port = *port;
    if (s.config.metrics) {
        const auto& m = *s.config.metrics;
        auto metrics_server = net::MetricsServer::start(
            m.host, m.port, [raw = impl.get()] { return raw->registry.expose(); },
            {m.bearer_token});
        if (!metrics_server) {
            s.server->stop();
            s.server->wait();
            s.notifier.stop();
            return std::move(metrics_server).error().wrap("metrics.listen");
        }
        s.metrics_server = std::move(*metrics_server);
        spdlog::info("metrics on http://{}:{}/metrics{}",
                     m.host.find(':') == std::string::npos ? m.host : "[" + m.host + "]",
                     s.metrics_server->port(), m.bearer_token.empty() ? "" : " (bearer token)");
    }
    if (!s.config.data_dir.empty()) {
        // The metrics port first: relay.port tells a waiting test all is up.
        if (s.metrics_server) {
            if (auto st = write_port_file(s.config.data_dir, "relay.metrics-port",
                                          s.metrics_server->port());
                !st) {
                spdlog::warn("{}", st.error().message);
            }
        }
        if (auto st = write_port_file(s.config.data_dir, "relay.port", s.port); !st) {
            spdlog::warn("{}", st.error().message);
        }
    }
    auto* raw = impl.get();
    s.retention = std::make_unique<apply::PeriodicWorker>(s.config.retention.interval, [raw] {
        prune_once(raw->background, raw->config, raw->metrics);
    });
    s.alert_checks = std::make_unique<apply::PeriodicWorker>(s.config.api.alert_interval, [raw] {
        check_alerts_once(raw->background, raw->config, raw->sealing_key.get());
    });
    if (s.config.reconciliation.enabled) {
        s.recon_checks = std::make_unique<apply::PeriodicWorker>(s.config.reconciliation.interval,
                                                                 [raw] { raw->reconcile_once(); });
    }
    spdlog::info("contractsync-relay {} listening on {}:{}", cs::version(), s.config.listen_address,
                 s.port);
    return std::unique_ptr<RelayService>(new RelayService(std::move(impl)));
}

void RelayService::stop() {
    auto& s = *impl_;
    if (s.stopped) {
        return;
    }
    s.stopped = true;
    s.retention->stop();
    s.alert_checks->stop();
    if (s.recon_checks) {
        s.recon_checks->stop();
    }
    // A run in progress is cancelled (its transaction rolls back; the next
    // start runs it again) rather than waited for.
    s.background_work.cancel_all();
    s.recon_lane.join();
    s.metrics_server.reset();
    s.server->stop();
    s.server->wait();
    s.api_lane.join();
    s.probe_lane.join();
    s.agent_lane.join();  // lets sessions mark their sites offline and release locks
    s.notifier.stop();
    spdlog::info("stopped");
}

}  // namespace cs::relay::cli

// One agent's WebSocket session (docs/protocol.md): hello -> site lock ->
// welcome, then change sets applied strictly in order on the session's own
// database connection, acknowledged after commit.
//
// Threading: every handler runs on the connection's strand. Database work runs
// on the blocking pool, one job at a time per session (the connection holding
// the site lock is not shared), and posts its result back to the strand.
// Decoding runs on the pool too, up to two sets ahead of the one being applied.
#include <algorithm>
#include <deque>
#include <optional>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include "common/uuid/uuid.hpp"
#include "common/version/version.hpp"
#include "relay/agent_link/agent_endpoint.hpp"
#include "relay/agent_link/protocol/frame.hpp"
#include "relay/agent_link/session_jobs.hpp"
#include "relay/agent_link/site_store.hpp"
#include "relay/server/detail/handoff.hpp"

namespace cs::relay::agent_link {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxPreparing = 2;   // sets decoded ahead of the one applying
constexpr std::size_t kWindowSlack = 2;    // sets queued beyond the window
constexpr std::size_t kControlSlack = 16;  // control messages queued beyond the window
constexpr auto kLockRetry = std::chrono::milliseconds(250);
constexpr std::size_t kReadChunk = 64u << 10;  // most read past a message's size limit

// One unit of database work, kept in arrival order.
struct WorkItem {
    enum class Kind { change_set, control, retry_pending, presence, commands };
    Kind kind = Kind::control;
    std::string frame;
    bool preparing = false;
    std::optional<Expected<apply::PreparedChangeSet>> prepared;
    ControlMessage control;
    bool online = true;  // presence
    Clock::time_point received = Clock::now();
};

bool harmless(const beast::error_code& ec) {
    return ec == websocket::error::closed || ec == net::error::operation_aborted ||
           ec == beast::error::timeout || ec == net::ssl::error::stream_truncated ||
           ec == net::error::eof || ec == net::error::connection_reset;
}

class AgentSession : public std::enable_shared_from_this<AgentSession>, public LiveSession {
public:
    AgentSession(server::UpgradeHandoff handoff, std::shared_ptr<const AgentContext> ctx,
                 sites::SiteIdentity site)
        : ws_(std::move(handoff.impl().stream)),
          request_(std::move(handoff.impl().request)),
          remote_(handoff.impl().remote_address),
          connection_slot_(std::move(handoff.impl().connection_slot)),
          ctx_(std::move(ctx)),
          site_(std::move(site)),
          site_ref_{site_.tenant_id, site_.site_id},
          session_id_(uuid_v7().to_string()),
          executor_(ws_.get_executor()),
          hello_timer_(executor_),
          lock_timer_(executor_),
          liveness_timer_(executor_),
          pending_timer_(executor_) {}

    void run() {
        // Beast's suggested server timeouts (handshake 30 s, idle 300 s with
        // keep-alive pings); the protocol's liveness rule is our own timer.
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
            res.set(beast::http::field::server, "contractsync-relay/" + std::string(cs::version()));
        }));
        // No Beast cap: on_read refuses an oversized message as it arrives (1009, the limit as
        // reason); Beast's cap fails the connection and reports only its TLS teardown error.
        ws_.read_message_max(0);
        ws_.async_accept(request_,
                         beast::bind_front_handler(&AgentSession::on_accept, shared_from_this()));
    }

    const std::string& session_id() const override { return session_id_; }
    const std::string& tenant_id() const override { return site_.tenant_id; }
    const std::string& site_id() const override { return site_.site_id; }
    const std::string& key_id() const override { return site_.key_id; }

    void poll_commands() override {
        net::post(executor_, [self = shared_from_this()] {
            if (self->closing_ || self->state_ != LinkState::running) {
                return;  // the welcome delivers pending commands anyway
            }
            bool queued = std::any_of(self->work_.begin(), self->work_.end(), [](const auto& w) {
                return w->kind == WorkItem::Kind::commands;
            });
            if (!queued) {
                auto item = std::make_shared<WorkItem>();
                item->kind = WorkItem::Kind::commands;
                self->enqueue(std::move(item));
            }
        });
    }

    void request_close(std::uint16_t code, std::string reason) override {
        net::post(executor_, [self = shared_from_this(), code, reason = std::move(reason)] {
            self->close(code, reason);
        });
    }

private:
    // ---- connection ---------------------------------------------------------

    void on_accept(beast::error_code ec) {
        if (ec) {
            spdlog::debug("site {}: WebSocket upgrade failed: {}", site_.site_id, ec.message());
            return;
        }
        ctx_->registry->add(shared_from_this());
        ctx_->metrics->connections_accepted.inc();
        last_frame_ = Clock::now();
        hello_timer_.expires_after(ctx_->config.timeouts.hello);
        hello_timer_.async_wait([self = shared_from_this()](beast::error_code e) {
            if (!e && self->state_ == LinkState::awaiting_hello) {
                self->close(close_code::protocol_violation, "no hello received in time");
            }
        });
        do_read();
    }

    // A compliant agent never has more than `window` sets unacknowledged, so it
    // never makes us pause: pausing would also stop answering its pings, and the
    // agent gives up after 3 heartbeat intervals without a pong. The queue bound
    // is for agents that ignore the window.
    bool read_paused() const {
        auto window = ctx_->config.limits.window;
        return queued_sets_ >= window + kWindowSlack ||
               work_.size() >= window + kWindowSlack + kControlSlack;
    }

    void do_read() {
        // Back-pressure: with a full queue, stop reading and let TCP push back.
        if (reading_ || closing_ || read_paused()) {
            return;
        }
        reading_ = true;
        // In pieces, so a message is never held far beyond its limit.
        ws_.async_read_some(buffer_, kReadChunk,
                            beast::bind_front_handler(&AgentSession::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        reading_ = false;
        if (ec) {
            if (!harmless(ec)) {
                spdlog::info("site {}: connection lost: {}", site_.site_id, ec.message());
            }
            return finish();
        }
        last_frame_ = Clock::now();
        bool text = ws_.got_text();
        bool done = ws_.is_message_done();
        if (auto c = oversized(text, buffer_.size(), done, frame_context())) {
            count_refusal(*ctx_->metrics, c->code);
            return close(c->code, c->reason);
        }
        if (!done) {
            return do_read();  // the rest of the message
        }
        if (offline_) {
            offline_ = false;
            enqueue_presence(true);
        }
        std::string payload = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        auto action = interpret_frame(text, payload, frame_context());
        if (auto* c = std::get_if<CloseAction>(&action)) {
            count_refusal(*ctx_->metrics, c->code);
            return close(c->code, c->reason);
        }
        if (std::holds_alternative<ChangeSetFrame>(action)) {
            ctx_->metrics->bytes_received.inc(static_cast<double>(payload.size()));
            auto item = std::make_shared<WorkItem>();
            item->kind = WorkItem::Kind::change_set;
            item->frame = std::move(payload);
            enqueue(std::move(item));
        } else {
            auto& message = std::get<ControlMessage>(action);
            if (auto* hello = std::get_if<Hello>(&message)) {
                on_hello(std::move(*hello));
            } else {
                auto item = std::make_shared<WorkItem>();
                item->kind = WorkItem::Kind::control;
                item->control = std::move(message);
                enqueue(std::move(item));
            }
        }
        do_read();
    }

    FrameContext frame_context() const {
        const auto& limits = ctx_->config.limits;
        return FrameContext{
            state_, limits.max_text_message_bytes, limits.wire.max_frame_bytes,
            MessageLimits{limits.max_streams_per_hello, limits.max_failed_rows_per_message}};
    }

    // ---- hello, site lock, welcome ------------------------------------------

    void on_hello(Hello hello) {
        hello_timer_.cancel();
        if (std::find(hello.protocols.begin(), hello.protocols.end(), kProtocolVersion) ==
            hello.protocols.end()) {
            std::string offered;
            for (int p : hello.protocols) {
                offered += (offered.empty() ? "" : ",") + std::to_string(p);
            }
            return close(close_code::no_common_protocol,
                         fmt::format("no common protocol version: relay speaks [{}], agent "
                                     "offered [{}]",
                                     kProtocolVersion, offered));
        }
        hello_ = std::move(hello);
        state_ = LinkState::awaiting_welcome;
        // A newer connection replaces the older one: here directly, on other
        // instances through NOTIFY when the lock turns out to be taken.
        if (auto older = ctx_->registry->claim(shared_from_this())) {
            spdlog::info("site {}: session {} replaced by {}", site_.site_id, older->session_id(),
                         session_id_);
            ctx_->metrics->sessions_replaced.inc();
            older->request_close(close_code::replaced,
                                 "replaced by a newer connection for the same site");
        }
        claimed_ = true;
        lock_deadline_ = Clock::now() + ctx_->config.timeouts.site_lock_wait;
        db_busy_ = true;
        blocking([self = shared_from_this()] {
            auto lease =
                self->ctx_->session_pool->acquire(self->ctx_->config.database.acquire_timeout);
            std::optional<Error> error;
            std::shared_ptr<SiteLease> site_lease;
            if (lease) {
                site_lease =
                    std::make_shared<SiteLease>(std::move(*lease), self->ctx_->config.limits);
            } else {
                error = std::move(lease).error();
            }
            self->on_strand([self, site_lease, error] { self->on_lease(site_lease, error); });
        });
    }

    void on_lease(std::shared_ptr<SiteLease> lease, std::optional<Error> error) {
        db_busy_ = false;
        lease_ = std::move(lease);
        if (closing_) {
            return release_lease();
        }
        if (error) {
            bool exhausted = ctx_->session_pool->in_use() >= ctx_->session_pool->max_size();
            spdlog::error("site {}: {}", site_.site_id, error->message);
            ctx_->metrics->errors_database.inc();
            return close(exhausted ? close_code::try_later : close_code::transient,
                         exhausted ? "relay at its database connection limit; try again later"
                                   : "relay database unavailable; reconnect later");
        }
        try_lock();
    }

    void try_lock() {
        db_busy_ = true;
        bool announce = !takeover_announced_;
        takeover_announced_ = true;
        blocking([self = shared_from_this(), lease = lease_, announce] {
            auto locked = store::try_lock_site(*lease->lease, self->site_.site_id);
            if (locked && !*locked && announce) {
                if (auto s = store::announce_takeover(*lease->lease, self->site_.site_id,
                                                      self->session_id_);
                    !s) {
                    locked = std::move(s).error();
                }
            }
            self->on_strand([self, locked = std::move(locked)] { self->on_lock(locked); });
        });
    }

    void on_lock(const Expected<bool>& locked) {
        db_busy_ = false;
        if (locked && *locked) {
            lease_->locked = true;
        }
        if (closing_) {
            return release_lease();
        }
        if (!locked) {
            return fail_database(locked.error());
        }
        if (*locked) {
            return prepare_welcome();
        }
        if (Clock::now() >= lock_deadline_) {
            return close(close_code::try_later,
                         "another connection holds this site's lock; try again later");
        }
        lock_timer_.expires_after(kLockRetry);
        lock_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec && !self->closing_) {
                self->try_lock();
            }
        });
    }

    void prepare_welcome() {
        db_busy_ = true;
        blocking([self = shared_from_this(), lease = lease_] {
            auto result = load_welcome(*lease, self->site_, self->session_id_, self->ctx_->instance,
                                       self->hello_, self->remote_,
                                       3 * self->ctx_->config.agents.heartbeat_seconds);
            self->on_strand([self, result = std::move(result)] { self->on_welcome(result); });
        });
    }

    void on_welcome(const Expected<WelcomeData>& data) {
        db_busy_ = false;
        if (closing_) {
            return release_lease();
        }
        if (!data) {
            return fail_database(data.error());
        }
        if (const auto& c = data->refusal) {
            count_refusal(*ctx_->metrics, c->code);
            return close(c->code, c->reason);
        }
        const auto& cfg = ctx_->config;
        send(welcome_json(Welcome{std::string(cs::version()), site_.site_id, site_.tenant_id,
                                  data->streams, cfg.limits.wire.max_frame_bytes, cfg.limits.window,
                                  cfg.agents.heartbeat_seconds}));
        for (const auto& command : data->commands) {
            send(command_json(command));
        }
        state_ = LinkState::running;
        welcomed_ = true;
        ctx_->metrics->agents_connected.inc();
        spdlog::info("site {} ({}): agent {} {} on {} connected from {} (session {})",
                     site_.site_id, site_.site_name, hello_.agent_id, hello_.agent_version,
                     hello_.host, remote_, session_id_);
        arm_liveness();
        arm_pending_retry();
        pump();
        do_read();
    }

    // ---- work queue ---------------------------------------------------------

    void enqueue(std::shared_ptr<WorkItem> item) {
        if (item->kind == WorkItem::Kind::change_set) {
            ++queued_sets_;
        }
        work_.push_back(std::move(item));
        schedule_prepares();
        pump();
    }

    void enqueue_presence(bool online) {
        auto item = std::make_shared<WorkItem>();
        item->kind = WorkItem::Kind::presence;
        item->online = online;
        enqueue(std::move(item));
    }

    void schedule_prepares() {
        for (const auto& item : work_) {
            if (preparing_ >= kMaxPreparing) {
                return;
            }
            if (item->kind != WorkItem::Kind::change_set || item->preparing || item->prepared) {
                continue;
            }
            item->preparing = true;
            ++preparing_;
            blocking([self = shared_from_this(), item] {
                auto prepared =
                    apply::prepare(item->frame, self->ctx_->config.limits.wire, self->site_ref_);
                self->on_strand([self, item, prepared = std::move(prepared)]() mutable {
                    item->prepared = std::move(prepared);
                    item->preparing = false;
                    --self->preparing_;
                    if (!self->closing_) {
                        self->schedule_prepares();
                        self->pump();
                    }
                });
            });
        }
    }

    // Starts the next database job if none is running; strictly in arrival order.
    void pump() {
        if (closing_ || db_busy_ || state_ != LinkState::running || work_.empty()) {
            return;
        }
        auto item = work_.front();
        if (item->kind == WorkItem::Kind::change_set && !item->prepared) {
            return;  // its decode finishes soon and calls pump() again
        }
        db_busy_ = true;
        switch (item->kind) {
            case WorkItem::Kind::change_set:
                return start_apply(item);
            case WorkItem::Kind::control:
                return start_control(item);
            case WorkItem::Kind::retry_pending:
                return start_retry();
            case WorkItem::Kind::presence:
                return start_presence(item);
            case WorkItem::Kind::commands:
                return start_commands();
        }
    }

    void start_apply(std::shared_ptr<WorkItem> item) {
        blocking([self = shared_from_this(), lease = lease_, item] {
            auto result = apply_frame(*lease, self->site_ref_, item->frame, *item->prepared,
                                      self->ctx_->config.limits.wire);
            self->on_strand(
                [self, item, result = std::move(result)] { self->on_applied(*item, result); });
        });
    }

    void on_applied(const WorkItem& item, const ApplyResult& result) {
        db_busy_ = false;
        if (closing_) {
            return release_lease();
        }
        work_.pop_front();
        --queued_sets_;
        auto& m = *ctx_->metrics;
        if (result.close) {
            count_refusal(m, result.close->code);
            spdlog::warn("site {}: {}", site_.site_id, result.close->reason);
            return close(result.close->code, result.close->reason);
        }
        if (!*result.outcome) {
            return fail_database(result.outcome->error());
        }
        const auto& outcome = **result.outcome;
        auto rows = item.prepared && *item.prepared ? (*item.prepared)->row_count : 0;
        count_outcome(*ctx_->metrics, outcome, rows,
                      std::chrono::duration<double>(Clock::now() - item.received).count());
        if (outcome.verdict == apply::Verdict::rejected) {
            spdlog::warn("site {}: change set {} of stream {} rejected: {}", site_.site_id,
                         result.sequence, result.stream_id, outcome.error);
        }
        send(ack_json(result.stream_id, result.sequence, outcome));
        pump();
        do_read();
    }

    void start_control(std::shared_ptr<WorkItem> item) {
        blocking([self = shared_from_this(), lease = lease_, item] {
            auto r =
                store_control(*lease->lease, self->site_, self->session_id_, self->hello_.agent_id,
                              item->control, self->ctx_->config.limits, *self->ctx_->metrics);
            self->on_strand([self, r = std::move(r)] { self->on_done(r.status, r.commands); });
        });
    }

    void start_retry() {
        blocking([self = shared_from_this(), lease = lease_] {
            Status status;
            auto released = retry_parked(*lease, self->site_ref_);
            if (!released) {
                status = std::move(released).error();
            } else {
                self->ctx_->metrics->rows_released.inc(static_cast<double>(*released));
            }
            self->on_strand([self, status = std::move(status)] { self->on_done(status, {}); });
        });
    }

    // Commands queued through the API while this session was connected.
    void start_commands() {
        blocking([self = shared_from_this(), lease = lease_] {
            auto commands = store::take_pending_commands(*lease->lease, self->site_);
            Status status;
            std::vector<Command> list;
            if (!commands) {
                status = std::move(commands).error();
            } else {
                list = std::move(*commands);
            }
            self->on_strand([self, status = std::move(status), list = std::move(list)] {
                self->on_done(status, list);
            });
        });
    }

    void start_presence(std::shared_ptr<WorkItem> item) {
        blocking([self = shared_from_this(), lease = lease_, online = item->online] {
            auto& conn = *lease->lease;
            Status status = online ? store::touch_online(conn, self->site_, self->session_id_)
                                   : store::mark_offline(conn, self->site_, self->session_id_);
            self->on_strand([self, status = std::move(status)] { self->on_done(status, {}); });
        });
    }

    void on_done(const Status& status, const std::vector<Command>& commands) {
        db_busy_ = false;
        if (closing_) {
            return release_lease();
        }
        work_.pop_front();
        if (!status) {
            if (db::is_transient(status.error())) {
                return fail_database(status.error());
            }
            // Reports are informational: one the database refuses is logged and
            // dropped rather than ending the session that carries change sets.
            spdlog::warn("site {}: {}", site_.site_id, status.error().message);
        }
        for (const auto& command : commands) {
            send(command_json(command));
        }
        pump();
        do_read();
    }

    void fail_database(const Error& error) {
        (db::is_transient(error) ? ctx_->metrics->errors_database : ctx_->metrics->errors_internal)
            .inc();
        spdlog::error("site {}: {}; closing with 1011 so the agent resends after reconnecting",
                      site_.site_id, error.message);
        close(close_code::transient, "relay-side failure; reconnect and resend");
    }

    // ---- timers -------------------------------------------------------------

    void arm_liveness() {
        auto interval = std::chrono::seconds(ctx_->config.agents.heartbeat_seconds);
        liveness_timer_.expires_after(interval);
        liveness_timer_.async_wait([self = shared_from_this(), interval](beast::error_code ec) {
            if (ec || self->closing_) {
                return;
            }
            // docs/protocol.md: offline after three heartbeat intervals of silence.
            if (!self->offline_ && Clock::now() - self->last_frame_ > 3 * interval) {
                self->offline_ = true;
                spdlog::info("site {}: no frame for {} s; marked offline", self->site_.site_id,
                             3 * interval.count());
                self->enqueue_presence(false);
            }
            self->arm_liveness();
        });
    }

    void arm_pending_retry() {
        pending_timer_.expires_after(ctx_->config.agents.pending_retry_interval);
        pending_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec || self->closing_) {
                return;
            }
            bool queued = std::any_of(self->work_.begin(), self->work_.end(), [](const auto& w) {
                return w->kind == WorkItem::Kind::retry_pending;
            });
            if (!queued) {
                auto item = std::make_shared<WorkItem>();
                item->kind = WorkItem::Kind::retry_pending;
                self->enqueue(std::move(item));
            }
            self->arm_pending_retry();
        });
    }

    // ---- writing and closing ------------------------------------------------

    void send(std::string text) {
        if (closing_) {
            return;
        }
        outbox_.push_back(std::make_shared<const std::string>(std::move(text)));
        if (!writing_) {
            do_write();
        }
    }

    void do_write() {
        // One write in flight; the rest wait in outbox_.
        writing_ = true;
        ws_.text(true);
        ws_.async_write(net::buffer(*outbox_.front()),
                        beast::bind_front_handler(&AgentSession::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        writing_ = false;
        if (ec) {
            if (!harmless(ec)) {
                spdlog::info("site {}: write failed: {}", site_.site_id, ec.message());
            }
            return finish();
        }
        outbox_.pop_front();
        if (!outbox_.empty() && !finished_) {
            do_write();
        }
    }

    void close(std::uint16_t code, const std::string& reason) {
        if (closing_) {
            return;
        }
        closing_ = true;
        cancel_timers();
        auto level = (code == close_code::normal || code == close_code::going_away ||
                      code == close_code::replaced)
                         ? spdlog::level::info
                         : spdlog::level::warn;
        spdlog::log(level, "site {}: closing session {} with {}: {}", site_.site_id, session_id_,
                    code, reason);
        websocket::close_reason why(static_cast<websocket::close_code>(code),
                                    close_reason_text(reason));
        ws_.async_close(why,
                        beast::bind_front_handler(&AgentSession::on_close, shared_from_this()));
        // Give the site back now, not when the peer answers the close: a newer
        // session may be waiting for the lock, and the peer may never answer.
        release_site();
    }

    void release_site() {
        work_.clear();
        if (claimed_) {
            claimed_ = false;
            ctx_->registry->release(this);
        }
        if (!db_busy_) {
            release_lease();
        }
    }

    void on_close(beast::error_code) { finish(); }

    void cancel_timers() {
        hello_timer_.cancel();
        lock_timer_.cancel();
        liveness_timer_.cancel();
        pending_timer_.cancel();
    }

    // The connection is over: forget the session and give the site back.
    void finish() {
        if (finished_) {
            return;
        }
        finished_ = true;
        closing_ = true;
        cancel_timers();
        ctx_->registry->remove(this);
        release_site();
        if (welcomed_) {
            ctx_->metrics->agents_connected.dec();
            spdlog::info("site {}: session {} ended", site_.site_id, session_id_);
        }
    }

    void release_lease() {
        if (!lease_) {
            return;
        }
        // Marking offline and unlocking are database calls: on the pool, never here.
        blocking([self = shared_from_this(), lease = std::move(lease_)] {
            if (lease->locked) {
                auto& conn = *lease->lease;
                if (auto s = store::mark_offline(conn, self->site_, self->session_id_); !s) {
                    spdlog::warn("site {}: {}", self->site_.site_id, s.error().message);
                }
                if (auto s = store::unlock_site(conn, self->site_.site_id); !s) {
                    // The lock dies with the connection; make sure that happens.
                    lease->lease.discard();
                }
            }
        });
    }

    template <typename F>
    void blocking(F&& job) {
        ctx_->blocking->post(std::forward<F>(job));
    }

    template <typename F>
    void on_strand(F&& handler) {
        net::post(executor_, std::forward<F>(handler));
    }

    websocket::stream<server::TlsStream> ws_;
    server::BeastRequest request_;
    std::string remote_;
    std::shared_ptr<void> connection_slot_;  // counts under the server's connection caps
    std::shared_ptr<const AgentContext> ctx_;
    sites::SiteIdentity site_;
    apply::SiteRef site_ref_;
    std::string session_id_;
    net::any_io_executor executor_;
    net::steady_timer hello_timer_;
    net::steady_timer lock_timer_;
    net::steady_timer liveness_timer_;
    net::steady_timer pending_timer_;
    beast::flat_buffer buffer_;
    std::deque<std::shared_ptr<const std::string>> outbox_;
    std::deque<std::shared_ptr<WorkItem>> work_;
    std::shared_ptr<SiteLease> lease_;
    Hello hello_;
    LinkState state_ = LinkState::awaiting_hello;
    Clock::time_point lock_deadline_;
    Clock::time_point last_frame_;
    std::size_t queued_sets_ = 0;
    std::size_t preparing_ = 0;
    bool reading_ = false;
    bool writing_ = false;
    bool db_busy_ = false;
    bool closing_ = false;
    bool finished_ = false;
    bool claimed_ = false;
    bool welcomed_ = false;
    bool offline_ = false;
    bool takeover_announced_ = false;
};

}  // namespace

void start_agent_session(server::UpgradeHandoff handoff,
                         std::shared_ptr<const AgentContext> context, sites::SiteIdentity site) {
    std::make_shared<AgentSession>(std::move(handoff), std::move(context), std::move(site))->run();
}

}  // namespace cs::relay::agent_link

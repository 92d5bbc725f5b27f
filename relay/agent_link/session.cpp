// One agent's WebSocket session (docs/protocol.md): hello -> site lock ->
// welcome, then change sets applied strictly in order on the session's own
// database connection, acknowledged after commit.
//
// Threading: every handler runs on the connection's strand. Database work runs
// on the blocking pool, one job at a time per session (the connection holding
// the site lock is not shared), and posts its result back to the strand.
// Decoding runs on the pool too, up to two sets ahead of the one being applied.
#include <algorithm>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "common/version/version.hpp"
#include "relay/agent_link/agent_session.hpp"

namespace cs::relay::agent_link {
namespace session_detail {

void AgentSession::run() {
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

void AgentSession::poll_commands() {
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

void AgentSession::request_close(std::uint16_t code, std::string reason) {
    net::post(executor_, [self = shared_from_this(), code, reason = std::move(reason)] {
        self->close(code, reason);
    });
}

void AgentSession::on_accept(beast::error_code ec) {
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
bool AgentSession::read_paused() const {
    auto window = ctx_->config.limits.window;
    return queued_sets_ >= window + kWindowSlack ||
           work_.size() >= window + kWindowSlack + kControlSlack;
}

void AgentSession::do_read() {
    // Back-pressure: with a full queue, stop reading and let TCP push back.
    if (reading_ || closing_ || read_paused()) {
        return;
    }
    reading_ = true;
    // In pieces, so a message is never held far beyond its limit.
    ws_.async_read_some(buffer_, kReadChunk,
                        beast::bind_front_handler(&AgentSession::on_read, shared_from_this()));
}

void AgentSession::on_read(beast::error_code ec, std::size_t) {
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

FrameContext AgentSession::frame_context() const {
    const auto& limits = ctx_->config.limits;
    return FrameContext{
        state_, limits.max_text_message_bytes, limits.wire.max_frame_bytes,
        MessageLimits{limits.max_streams_per_hello, limits.max_failed_rows_per_message}};
}

void AgentSession::on_hello(Hello hello) {
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
        auto lease = self->ctx_->session_pool->acquire(self->ctx_->config.database.acquire_timeout);
        std::optional<Error> error;
        std::shared_ptr<SiteLease> site_lease;
        if (lease) {
            site_lease = std::make_shared<SiteLease>(std::move(*lease), self->ctx_->config.limits);
        } else {
            error = std::move(lease).error();
        }
        self->on_strand([self, site_lease, error] { self->on_lease(site_lease, error); });
    });
}

void AgentSession::on_lease(std::shared_ptr<SiteLease> lease, std::optional<Error> error) {
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

void AgentSession::try_lock() {
    db_busy_ = true;
    bool announce = !takeover_announced_;
    takeover_announced_ = true;
    blocking([self = shared_from_this(), lease = lease_, announce] {
        auto locked = store::try_lock_site(*lease->lease, self->site_.site_id);
        if (locked && !*locked && announce) {
            if (auto s =
                    store::announce_takeover(*lease->lease, self->site_.site_id, self->session_id_);
                !s) {
                locked = std::move(s).error();
            }
        }
        self->on_strand([self, locked = std::move(locked)] { self->on_lock(locked); });
    });
}

void AgentSession::on_lock(const Expected<bool>& locked) {
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

void AgentSession::prepare_welcome() {
    db_busy_ = true;
    blocking([self = shared_from_this(), lease = lease_] {
        auto result =
            load_welcome(*lease, self->site_, self->session_id_, self->ctx_->instance, self->hello_,
                         self->remote_, 3 * self->ctx_->config.agents.heartbeat_seconds);
        self->on_strand([self, result = std::move(result)] { self->on_welcome(result); });
    });
}

void AgentSession::on_welcome(const Expected<WelcomeData>& data) {
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
    spdlog::info("site {} ({}): agent {} {} on {} connected from {} (session {})", site_.site_id,
                 site_.site_name, hello_.agent_id, hello_.agent_version, hello_.host, remote_,
                 session_id_);
    arm_liveness();
    arm_pending_retry();
    pump();
    do_read();
}

void AgentSession::send(std::string text) {
    if (closing_) {
        return;
    }
    outbox_.push_back(std::make_shared<const std::string>(std::move(text)));
    if (!writing_) {
        do_write();
    }
}

void AgentSession::do_write() {
    // One write in flight; the rest wait in outbox_.
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(*outbox_.front()),
                    beast::bind_front_handler(&AgentSession::on_write, shared_from_this()));
}

void AgentSession::on_write(beast::error_code ec, std::size_t) {
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

void AgentSession::close(std::uint16_t code, const std::string& reason) {
    if (closing_) {
        return;
    }
    closing_ = true;
    cancel_timers();
    auto level = (code == close_code::normal || code == close_code::going_away ||
                  code == close_code::replaced)
                     ? spdlog::level::info
                     : spdlog::level::warn;
    spdlog::log(level, "site {}: closing session {} with {}: {}", site_.site_id, session_id_, code,
                reason);
    websocket::close_reason why(static_cast<websocket::close_code>(code),
                                close_reason_text(reason));
    ws_.async_close(why, beast::bind_front_handler(&AgentSession::on_close, shared_from_this()));
    // Give the site back now, not when the peer answers the close: a newer
    // session may be waiting for the lock, and the peer may never answer.
    release_site();
}

void AgentSession::release_site() {
    work_.clear();
    if (claimed_) {
        claimed_ = false;
        ctx_->registry->release(this);
    }
    if (!db_busy_) {
        release_lease();
    }
}

void AgentSession::cancel_timers() {
    hello_timer_.cancel();
    lock_timer_.cancel();
    liveness_timer_.cancel();
    pending_timer_.cancel();
}

// The connection is over: forget the session and give the site back.
void AgentSession::finish() {
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

void AgentSession::release_lease() {
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

}  // namespace session_detail

void start_agent_session(server::UpgradeHandoff handoff,
                         std::shared_ptr<const AgentContext> context, sites::SiteIdentity site) {
    std::make_shared<session_detail::AgentSession>(std::move(handoff), std::move(context),
                                                   std::move(site))
        ->run();
}

}  // namespace cs::relay::agent_link

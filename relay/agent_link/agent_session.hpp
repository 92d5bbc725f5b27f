#pragma once

// The agent session's class, shared by session.cpp (connection, hello, site
// lock, welcome, writing and closing) and session_work.cpp (the work queue
// and its timers). Included by those two files only.
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

namespace cs::relay::agent_link::session_detail {

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

inline bool harmless(const beast::error_code& ec) {
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

    void run();

    const std::string& session_id() const override { return session_id_; }
    const std::string& tenant_id() const override { return site_.tenant_id; }
    const std::string& site_id() const override { return site_.site_id; }
    const std::string& key_id() const override { return site_.key_id; }

    void poll_commands() override;

    void request_close(std::uint16_t code, std::string reason) override;

private:
    // ---- connection ---------------------------------------------------------

    void on_accept(beast::error_code ec);

    // A compliant agent never has more than `window` sets unacknowledged, so it
    // never makes us pause: pausing would also stop answering its pings, and the
    // agent gives up after 3 heartbeat intervals without a pong. The queue bound
    // is for agents that ignore the window.
    bool read_paused() const;

    void do_read();

    void on_read(beast::error_code ec, std::size_t);

    FrameContext frame_context() const;

    // ---- hello, site lock, welcome ------------------------------------------

    void on_hello(Hello hello);

    void on_lease(std::shared_ptr<SiteLease> lease, std::optional<Error> error);

    void try_lock();

    void on_lock(const Expected<bool>& locked);

    void prepare_welcome();

    void on_welcome(const Expected<WelcomeData>& data);

    // ---- work queue ---------------------------------------------------------

    void enqueue(std::shared_ptr<WorkItem> item);

    void enqueue_presence(bool online);

    void schedule_prepares();

    // Starts the next database job if none is running; strictly in arrival order.
    void pump();

    void start_apply(std::shared_ptr<WorkItem> item);

    void on_applied(const WorkItem& item, const ApplyResult& result);

    void start_control(std::shared_ptr<WorkItem> item);

    void start_retry();

    // Commands queued through the API while this session was connected.
    void start_commands();

    void start_presence(std::shared_ptr<WorkItem> item);

    void on_done(const Status& status, const std::vector<Command>& commands);

    void fail_database(const Error& error);

    // ---- timers -------------------------------------------------------------

    void arm_liveness();

    void arm_pending_retry();

    // ---- writing and closing ------------------------------------------------

    void send(std::string text);

    void do_write();

    void on_write(beast::error_code ec, std::size_t);

    void close(std::uint16_t code, const std::string& reason);

    void release_site();

    void on_close(beast::error_code) { finish(); }

    void cancel_timers();

    // The connection is over: forget the session and give the site back.
    void finish();

    void release_lease();

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

}  // namespace cs::relay::agent_link::session_detail

#include "agent/ship/uplink.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "agent/platform/system_info.hpp"
#include "agent/platform/trust_store.hpp"
#include "agent/ship/connection.hpp"
#include "agent/ship/tls_context.hpp"
#include "common/log/log.hpp"
#include "common/version/version.hpp"

namespace cs::agent::ship {
namespace {

// Command results wait here while the link is down; a relay that floods the
// agent with commands cannot grow it without bound.
constexpr std::size_t kMaxWaitingResults = 256;

std::int64_t micros_from_now(std::chrono::milliseconds delay) {
    return now_micros() + std::chrono::duration_cast<std::chrono::microseconds>(delay).count();
}

}  // namespace

// Replies to relay commands may come after the uplink is gone (a sync that
// outlives stop()); the gate turns them into no-ops then.
struct ReplyGate {
    std::mutex mutex;
    Uplink::Impl* impl = nullptr;
};

struct Uplink::Impl {
    Impl(UplinkOptions opts, CommandHandler* command_handler, RelayEndpoint endpoint,
         std::optional<ProxyServer> proxy_server, std::shared_ptr<net::ssl::context> tls_context,
         StateDb state)
        : options(std::move(opts)),
          handler(command_handler),
          relay(std::move(endpoint)),
          proxy(std::move(proxy_server)),
          tls(std::move(tls_context)),
          store(std::move(state)),
          backoff(options.retry.backoff),
          started(std::chrono::steady_clock::now()),
          strand(net::make_strand(ioc.get_executor())),
          retry_timer(strand),
          work(net::make_work_guard(ioc)),
          gate(std::make_shared<ReplyGate>()) {
        gate->impl = this;
        std::function<void(const RelayCommand&)> dispatch;
        if (handler != nullptr) {
            dispatch = [this](const RelayCommand& command) { this->dispatch(command); };
        }
        env.emplace(
            SessionEnv{options, store, delivery, board, results, std::move(dispatch), started});
    }

    void dispatch(const RelayCommand& command) {
        handler->handle(command, [gate = gate, id = command.id](CommandResult result) {
            std::lock_guard lock(gate->mutex);
            if (gate->impl == nullptr) {
                return;
            }
            result.id = id;
            net::post(gate->impl->strand,
                      [impl = gate->impl, result = std::move(result)]() mutable {
                          impl->add_result(std::move(result));
                      });
        });
    }

    void add_result(CommandResult result) {
        if (results.size() >= kMaxWaitingResults) {
            spdlog::warn("dropping the result of relay command {}: {} results wait already",
                         results.front().id, results.size());
            results.pop_front();
        }
        results.push_back(std::move(result));
        if (connection) {
            connection->notify_results();
        }
    }

    void connect() {
        if (stopping) {
            return;
        }
        board.update([](UplinkStatus& s) {
            s.state = LinkState::connecting;
            s.next_attempt_at_us = 0;
        });
        ConnectPlan plan{relay,
                         proxy,
                         options.site_key,
                         "contractsync-agent/" + options.agent_version,
                         options.connect_timeout,
                         options.handshake_timeout,
                         options.close_timeout,
                         options.outbox_poll};
        connection = std::make_shared<Connection>(
            strand, *tls, std::move(plan), *env,
            [this](const ConnectionEnd& end) { on_connection_end(end); });
        auto keep = connection;
        keep->run();
    }

    void on_connection_end(const ConnectionEnd& end) {
        connection.reset();
        if (stopping) {
            board.update([](UplinkStatus& s) {
                s.state = LinkState::stopped;
                s.drained = false;
            });
            work.reset();
            return;
        }
        if (end.welcomed) {
            // The link was up: whatever failed next is news worth a log line.
            logged_failure = LinkFailure::none;
            logged_reason.clear();
            if (end.lifetime >= options.retry.stable_after) {
                backoff.reset();
            }
        }
        LinkFailure failure = end.failure == LinkFailure::none ? LinkFailure::closed : end.failure;
        if (options.give_up_on_operator_failures && needs_operator(failure)) {
            spdlog::error("relay link failed: {}", end.reason);
            board.update([&](UplinkStatus& s) {
                s.state = LinkState::stopped;
                s.failure = failure;
                s.reason = end.reason;
                s.drained = false;
            });
            work.reset();
            return;
        }
        auto delay = retry_delay(failure, backoff, options.retry);
        log_failure(failure, end.reason, delay);
        board.update([&](UplinkStatus& s) {
            s.state = LinkState::waiting;
            s.failure = failure;
            s.reason = end.reason;
            s.connected_at_us = 0;
            s.consecutive_failures = backoff.failures();
            s.next_attempt_at_us = micros_from_now(delay);
            s.drained = false;
        });
        retry_timer.expires_after(delay);
        retry_timer.async_wait([this](boost::system::error_code ec) {
            if (ec == net::error::operation_aborted) {
                return;  // stop() cancelled the wait
            }
            connect();
        });
    }

    // One line per change of state, not one per attempt: an agent that cannot
    // reach its relay for a day must not fill the disk with the same sentence.
    void log_failure(LinkFailure failure, const std::string& reason,
                     std::chrono::milliseconds delay) {
        // Tenths of a second: "retrying in 0 s" would read as "not waiting".
        auto wait = fmt::format("{:.1f}", static_cast<double>(delay.count()) / 1000.0);
        if (failure == logged_failure && reason == logged_reason) {
            spdlog::debug("relay link still down ({}); attempt {} in {} s", reason,
                          backoff.failures() + 1, wait);
            return;
        }
        logged_failure = failure;
        logged_reason = reason;
        auto level = needs_operator(failure) ? spdlog::level::err : spdlog::level::warn;
        spdlog::log(level, "relay link down: {}; retrying in {} s{}", reason, wait,
                    needs_operator(failure) ? " (this needs a configuration change)" : "");
    }

    void shutdown() {
        stopping = true;
        retry_timer.cancel();
        if (connection) {
            auto keep = connection;
            keep->shutdown();
            return;
        }
        board.update([](UplinkStatus& s) { s.state = LinkState::stopped; });
        work.reset();
    }

    // Declared before the io_context so that pending handlers, destroyed with
    // it, never outlive what they point at.
    UplinkOptions options;
    CommandHandler* handler;
    RelayEndpoint relay;
    std::optional<ProxyServer> proxy;
    std::shared_ptr<net::ssl::context> tls;
    StateDb store;
    DeliveryWindow delivery;
    StatusBoard board;
    std::deque<CommandResult> results;
    Backoff backoff;
    std::chrono::steady_clock::time_point started;
    std::optional<SessionEnv> env;
    LinkFailure logged_failure = LinkFailure::none;
    std::string logged_reason;
    bool stopping = false;

    net::io_context ioc{1};
    Strand strand;
    net::steady_timer retry_timer;
    net::executor_work_guard<net::io_context::executor_type> work;
    std::shared_ptr<Connection> connection;
    std::shared_ptr<ReplyGate> gate;
    std::thread thread;
};

Uplink::Uplink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Uplink::~Uplink() {
    stop();
}

Expected<std::unique_ptr<Uplink>> Uplink::start(UplinkOptions options, CommandHandler* handler) {
    auto relay = parse_relay_url(options.url);
    if (!relay) {
        return std::move(relay).error();
    }
    if (options.site_key.empty()) {
        return make_error(ErrorCode::invalid_argument, "relay.site_key is empty");
    }
    log::register_secret(options.site_key);
    EnvLookup env = options.env ? options.env : process_environment();
    auto proxy = choose_proxy(options.proxy, options.proxy_password, *relay, env);
    if (!proxy) {
        return std::move(proxy).error();
    }
    if (*proxy && !(*proxy)->password.empty()) {
        log::register_secret((*proxy)->password);
        log::register_secret((*proxy)->authorization());
    }
    std::shared_ptr<net::ssl::context> tls;
    if (relay->tls) {
        auto ctx = make_tls_context(options.ca_file, platform::system_root_certificates());
        if (!ctx) {
            return std::move(ctx).error();
        }
        tls = std::move(*ctx);
    } else {
        spdlog::warn("relay URL {} is not encrypted: ws:// is for a relay on this machine only",
                     relay->describe());
        tls = std::make_shared<net::ssl::context>(net::ssl::context::tls_client);
    }
    sqlite::OpenOptions store_options;
    store_options.cache_mb = 8;  // the uplink reads a window at a time
    auto store = StateDb::open(options.state_db, store_options);
    if (!store) {
        return std::move(store).error();
    }
    if (options.agent_version.empty()) {
        options.agent_version = std::string(cs::version());
    }
    if (options.host.empty()) {
        options.host = platform::host_name();
    }
    if (options.os.empty()) {
        options.os = platform::os_description();
    }
    options.window = std::max<std::size_t>(options.window, 1);
    spdlog::info("uplink to {} {}", relay->describe(),
                 *proxy ? "through proxy " + (*proxy)->describe() + " (" + (*proxy)->origin + ")"
                        : std::string("direct"));
    auto impl = std::make_unique<Impl>(std::move(options), handler, std::move(*relay),
                                       std::move(*proxy), std::move(tls), std::move(*store));
    Impl* raw = impl.get();
    net::post(raw->strand, [raw] { raw->connect(); });
    raw->thread = std::thread([raw] {
        try {
            raw->ioc.run();
        } catch (const std::exception& e) {
            // Our handlers return errors as values; this is the last line of defence.
            spdlog::critical("uplink thread stopped: {}", e.what());
            raw->board.update([&](UplinkStatus& s) {
                s.state = LinkState::stopped;
                s.failure = LinkFailure::local;
                s.reason = e.what();
            });
        }
    });
    return std::unique_ptr<Uplink>(new Uplink(std::move(impl)));
}

void Uplink::notify_outbox() {
    Impl* impl = impl_.get();
    net::post(impl->strand, [impl] {
        if (impl->connection) {
            impl->connection->notify_outbox();
        }
    });
}

void Uplink::stop() {
    if (!impl_ || !impl_->thread.joinable()) {
        return;
    }
    Impl* impl = impl_.get();
    {
        std::lock_guard lock(impl->gate->mutex);
        impl->gate->impl = nullptr;
    }
    net::post(impl->strand, [impl] { impl->shutdown(); });
    // The closing handshake has its own timeout; this is the backstop for a
    // relay that neither answers nor lets the socket fail.
    auto deadline = std::chrono::steady_clock::now() + impl->options.close_timeout +
                    impl->options.connect_timeout;
    auto last = impl->board.wait_until(
        [](const UplinkStatus& s) { return s.state == LinkState::stopped; }, deadline);
    if (last.state != LinkState::stopped) {
        spdlog::warn("uplink did not stop in time; closing the connection abruptly");
    }
    impl->ioc.stop();
    impl->thread.join();
}

UplinkStatus Uplink::status() const {
    return impl_->board.snapshot();
}

UplinkStatus Uplink::wait_until(const std::function<bool(const UplinkStatus&)>& done,
                                std::chrono::steady_clock::time_point deadline) const {
    return impl_->board.wait_until(done, deadline);
}

}  // namespace cs::agent::ship

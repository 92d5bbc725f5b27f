#include "tests/agent/ship/fake_relay.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "common/wire/codec.hpp"
#include "tests/agent/ship/ship_test_support.hpp"

namespace cs::agent::ship::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;
using nlohmann::json;

class SessionBase {
public:
    virtual ~SessionBase() = default;
    virtual void push(std::string text) = 0;
    virtual void drop() = 0;
};

}  // namespace

struct FakeRelay::Impl {
    net::io_context ioc;
    tcp::acceptor acceptor{ioc};
    std::uint16_t port = 0;
    net::ssl::context server_tls{net::ssl::context::tls_server};
    net::ssl::context wrong_host_tls{net::ssl::context::tls_server};
    std::thread thread;

    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    FakeRelayScript script;
    RelayRecord record;
    std::map<std::string, std::uint64_t> last_sequence;  // per stream: last acked
    std::vector<std::weak_ptr<SessionBase>> sessions;    // io thread only

    template <typename F>
    void note(F&& change) {
        {
            std::lock_guard lock(mutex);
            change(record);
        }
        changed.notify_all();
    }

    awaitable<void> accept_loop();
};

namespace {

template <typename Ws>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Ws>> {
public:
    template <typename... Args>
    Session(FakeRelay::Impl& relay, FakeRelayScript script, Args&&... args)
        : relay_(relay),
          script_(std::move(script)),
          ws_(std::forward<Args>(args)...),
          notify_(ws_.get_executor()),
          ack_timer_(ws_.get_executor()) {}

    void push(std::string text) override {
        out_.push_back(std::move(text));
        notify_.cancel();
    }

    void drop() override {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    awaitable<void> run() {
        auto self = this->shared_from_this();
        try {
            co_await serve();
        } catch (const boost::system::system_error& e) {
            if (e.code() == websocket::error::closed) {
                auto reason = ws_.reason();
                relay_.note([&](RelayRecord& r) {
                    r.agent_close_codes.push_back(reason.code);
                    r.agent_close_reasons.emplace_back(reason.reason.data(), reason.reason.size());
                });
            }
        } catch (const std::exception& e) {
            relay_.note([&](RelayRecord& r) { r.errors.push_back(e.what()); });
        }
        open_ = false;
        notify_.cancel();
        ack_timer_.cancel();
    }

private:
    awaitable<void> serve() {
        if constexpr (!std::is_same_v<Ws, websocket::stream<beast::tcp_stream>>) {
            co_await ws_.next_layer().async_handshake(net::ssl::stream_base::server, use_awaitable);
        }
        beast::flat_buffer buffer;
        http::request<http::string_body> req;
        co_await http::async_read(ws_.next_layer(), buffer, req, use_awaitable);
        relay_.note([&](RelayRecord& r) {
            ++r.upgrades;
            r.authorizations.emplace_back(req[http::field::authorization]);
            r.user_agents.emplace_back(req[http::field::user_agent]);
        });
        if (script_.upgrade_status != 101) {
            http::response<http::string_body> res{static_cast<http::status>(script_.upgrade_status),
                                                  11};
            res.set(http::field::content_type, "application/json");
            res.body() = json{{"error", script_.upgrade_error}}.dump();
            res.prepare_payload();
            co_await http::async_write(ws_.next_layer(), res, use_awaitable);
            co_return;
        }
        ws_.read_message_max(64u << 20);
        co_await ws_.async_accept(req, use_awaitable);

        buffer.clear();
        co_await ws_.async_read(buffer, use_awaitable);
        auto hello = json::parse(beast::buffers_to_string(buffer.data()));
        relay_.note([&](RelayRecord& r) { r.hellos.push_back(hello); });
        stream_id_ = hello.at("streams").at(0).get<std::string>();
        if (script_.close_after_hello != 0) {
            co_await ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(
                                                                 script_.close_after_hello),
                                                             script_.close_reason),
                                     use_awaitable);
            co_return;
        }
        std::uint64_t last = 0;
        {
            std::lock_guard lock(relay_.mutex);
            last = relay_.last_sequence[stream_id_];
            session_ = ++relay_.record.sessions;
        }
        relay_.changed.notify_all();
        json welcome = {{"type", "welcome"},
                        {"protocol", script_.protocol},
                        {"relay_version", "fake-1"},
                        {"site_id", "site-1"},
                        {"tenant_id", "tenant-1"},
                        {"streams",
                         {{{"stream_id", stream_id_},
                           {"last_sequence", script_.last_sequence.value_or(last)}}}},
                        {"max_frame_bytes", script_.max_frame_bytes},
                        {"window", script_.window},
                        {"heartbeat_seconds", script_.heartbeat_seconds}};
        ws_.text(true);
        co_await ws_.async_write(net::buffer(welcome.dump()), use_awaitable);
        net::co_spawn(ws_.get_executor(), writer(this->shared_from_this()), net::detached);
        for (const auto& command : script_.commands) {
            push(command.dump());
        }
        if (script_.oversized_text > 0) {
            push(std::string(script_.oversized_text, ' '));
        }
        while (true) {
            buffer.clear();
            co_await ws_.async_read(buffer, use_awaitable);
            if (ws_.got_text()) {
                on_text(beast::buffers_to_string(buffer.data()));
            } else if (on_frame(beast::buffers_to_string(buffer.data()))) {
                drop();
                co_return;
            }
        }
    }

    void on_text(const std::string& text) {
        auto message = json::parse(text, nullptr, false);
        auto type = message.is_object() ? message.value("type", "") : "";
        relay_.note([&](RelayRecord& r) {
            if (type == "heartbeat") {
                r.heartbeats.push_back(message);
            } else if (type == "run_report") {
                r.run_reports.push_back(message);
            } else if (type == "failed_rows") {
                r.failed_rows.push_back(message);
            } else if (type == "command_result") {
                r.command_results.push_back(message);
            } else {
                r.errors.push_back("unexpected text message: " + text.substr(0, 200));
            }
        });
    }

    // Returns true when the script says to drop the connection now.
    bool on_frame(const std::string& frame) {
        auto decoded = wire::decode(frame);
        if (!decoded) {
            relay_.note([&](RelayRecord& r) { r.errors.push_back(decoded.error().message); });
            return false;
        }
        auto sequence = decoded->set.sequence;
        ++frames_;
        ++unacked_;
        relay_.note([&](RelayRecord& r) {
            r.received.push_back(sequence);
            r.max_unacked = std::max(r.max_unacked, unacked_);
        });
        if (script_.drop_session == session_ && frames_ >= script_.drop_after_frames) {
            return true;
        }
        std::string status = "applied";
        {
            std::lock_guard lock(relay_.mutex);
            auto& last = relay_.last_sequence[stream_id_];
            if (script_.reject.count(sequence) != 0) {
                status = "rejected";
            } else if (sequence <= last) {
                status = "duplicate";
            } else {
                relay_.record.applied.insert(sequence);
            }
            last = std::max(last, sequence);
        }
        relay_.changed.notify_all();
        json ack = {{"type", "ack"},
                    {"stream_id", decoded->set.stream_id},
                    {"sequence", sequence},
                    {"status", status},
                    {"rows", decoded->set.rows.size()}};
        if (status == "rejected") {
            ack["error"] = "schema violation: test rejects this set";
        }
        pending_acks_.push_back(ack.dump());
        if (script_.ack_delay.count() == 0) {
            flush_acks();
        } else if (pending_acks_.size() == 1) {
            ack_timer_.expires_after(script_.ack_delay);
            ack_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
                if (!ec) {
                    self->flush_acks();
                }
            });
        }
        return false;
    }

    void flush_acks() {
        unacked_ -= pending_acks_.size();
        for (auto& ack : pending_acks_) {
            push(std::move(ack));
        }
        pending_acks_.clear();
    }

    static awaitable<void> writer(std::shared_ptr<Session> self) {
        try {
            while (self->open_) {
                while (!self->out_.empty()) {
                    std::string message = std::move(self->out_.front());
                    self->out_.pop_front();
                    self->ws_.text(true);
                    co_await self->ws_.async_write(net::buffer(message), use_awaitable);
                }
                self->notify_.expires_at(net::steady_timer::time_point::max());
                beast::error_code ec;
                co_await self->notify_.async_wait(net::redirect_error(use_awaitable, ec));
            }
        } catch (const std::exception&) {
            // The reader sees the same failure and records it.
        }
    }

    FakeRelay::Impl& relay_;
    FakeRelayScript script_;
    Ws ws_;
    net::steady_timer notify_;
    net::steady_timer ack_timer_;
    std::deque<std::string> out_;
    std::vector<std::string> pending_acks_;
    std::string stream_id_;
    int session_ = 0;
    std::size_t frames_ = 0;
    std::size_t unacked_ = 0;
    bool open_ = true;
};

}  // namespace

awaitable<void> FakeRelay::Impl::accept_loop() {
    while (true) {
        beast::error_code ec;
        tcp::socket socket = co_await acceptor.async_accept(net::redirect_error(use_awaitable, ec));
        if (ec) {
            co_return;  // the acceptor was closed
        }
        FakeRelayScript current;
        {
            std::lock_guard lock(mutex);
            ++record.accepted;
            current = script;
        }
        changed.notify_all();
        if (current.tls) {
            using Ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
            auto& ctx = current.certificate == "wrong-host" ? wrong_host_tls : server_tls;
            auto session = std::make_shared<Session<Ws>>(*this, current, std::move(socket), ctx);
            sessions.push_back(session);
            net::co_spawn(ioc, session->run(), net::detached);
        } else {
            using Ws = websocket::stream<beast::tcp_stream>;
            auto session = std::make_shared<Session<Ws>>(*this, current, std::move(socket));
            sessions.push_back(session);
            net::co_spawn(ioc, session->run(), net::detached);
        }
    }
}

FakeRelay::FakeRelay(FakeRelayScript script) : impl_(std::make_unique<Impl>()) {
    impl_->script = std::move(script);
    auto load = [](net::ssl::context& ctx, const std::string& name) {
        ctx.use_certificate_chain_file(tls_file(name + ".pem"));
        ctx.use_private_key_file(tls_file(name + ".key"), net::ssl::context::pem);
    };
    load(impl_->server_tls, "server");
    load(impl_->wrong_host_tls, "wrong-host");
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
    impl_->port = impl_->acceptor.local_endpoint().port();
    net::co_spawn(impl_->ioc, impl_->accept_loop(), net::detached);
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

FakeRelay::~FakeRelay() {
    net::post(impl_->ioc, [this] {
        beast::error_code ignored;
        impl_->acceptor.close(ignored);
        for (auto& weak : impl_->sessions) {
            if (auto session = weak.lock()) {
                session->drop();
            }
        }
    });
    // Sessions end once their sockets are closed; stop() is the backstop.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    impl_->ioc.stop();
    impl_->thread.join();
}

std::uint16_t FakeRelay::port() const {
    return impl_->port;
}

RelayRecord FakeRelay::record() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->record;
}

void FakeRelay::update_script(const std::function<void(FakeRelayScript&)>& change) {
    std::lock_guard lock(impl_->mutex);
    change(impl_->script);
}

bool FakeRelay::wait_for(const std::function<bool(const RelayRecord&)>& done,
                         std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mutex);
    return impl_->changed.wait_for(lock, timeout, [&] { return done(impl_->record); });
}

void FakeRelay::send(const nlohmann::json& message) {
    net::post(impl_->ioc, [this, text = message.dump()] {
        for (auto& weak : impl_->sessions) {
            if (auto session = weak.lock()) {
                session->push(text);
            }
        }
    });
}

void FakeRelay::drop_connections() {
    net::post(impl_->ioc, [this] {
        for (auto& weak : impl_->sessions) {
            if (auto session = weak.lock()) {
                session->drop();
            }
        }
    });
}

}  // namespace cs::agent::ship::testing

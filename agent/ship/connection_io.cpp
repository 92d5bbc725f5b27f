// The open session: one read loop, one write in flight with a queue behind it,
// and the tick, heartbeat and welcome timers. What the messages mean is
// ProtocolSession's business.
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <spdlog/spdlog.h>

#include "agent/ship/connection.hpp"

namespace cs::agent::ship {
namespace {

// Bytes asked for per read: large enough to be cheap, small enough that a
// message is measured long before it could grow past kMaxTextBytes unchecked.
constexpr std::size_t kReadChunk = 64u << 10;

// A close frame's reason is limited to 123 bytes by RFC 6455.
std::string close_text(std::string reason) {
    if (reason.size() > 120) {
        reason.resize(120);
    }
    return reason;
}

}  // namespace

void Connection::start_session() {
    session_open_ = true;
    spdlog::debug("WebSocket open to {}", plan_.relay.describe());
    with_ws([this](auto& ws) {
        // Pongs answer our own pings: one of them closes a report barrier.
        ws.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
            if (kind == websocket::frame_type::pong) {
                protocol_.on_pong(std::string_view(payload.data(), payload.size()));
            }
        });
    });
    set_keepalive(heartbeat_interval_);
    step_timer_.expires_after(plan_.handshake_timeout);
    step_timer_.async_wait(
        beast::bind_front_handler(&Connection::on_welcome_timeout, shared_from_this()));
    protocol_.start();
    do_read();
    do_tick_wait();
    if (shutting_down_) {
        close(1000, "agent shutting down");
    }
}

void Connection::set_keepalive(std::chrono::seconds heartbeat) {
    with_ws([this, heartbeat](auto& ws) {
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = plan_.close_timeout;  // governs the closing handshake now
        // The relay declares a site offline after three silent heartbeat
        // intervals; the agent gives up on a silent relay on the same clock.
        // Beast pings when half of it passes without data.
        timeouts.idle_timeout =
            std::max<std::chrono::steady_clock::duration>(3 * heartbeat, std::chrono::seconds(10));
        timeouts.keep_alive_pings = true;
        ws.set_option(timeouts);
    });
}

void Connection::do_read() {
    // Reads a message piece by piece so its size is checked as it arrives.
    // Beast's own read_message_max would also fail an oversized message, but it
    // then tears the connection down at once and the error that reaches us is
    // whatever the teardown hit, not "too big".
    reading_ = true;
    with_ws([this](auto& ws) {
        ws.async_read_some(read_buffer_, kReadChunk,
                           beast::bind_front_handler(&Connection::on_read, shared_from_this()));
    });
}

void Connection::on_read(beast::error_code ec, std::size_t) {
    reading_ = false;
    if (finished_) {
        return;
    }
    if (ec) {
        auto end = read_failure(ec);
        finish(end.failure, end.reason);
        return;
    }
    if (read_buffer_.size() > kMaxTextBytes) {
        // Stop reading; the closing handshake discards the rest of the message.
        protocol_.on_oversized();
        return;
    }
    bool done = false;
    bool text = false;
    with_ws([&](auto& ws) {
        done = ws.is_message_done();
        text = ws.got_text();
    });
    if (!done) {
        do_read();
        return;
    }
    if (text) {
        const auto data = read_buffer_.cdata();
        protocol_.on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
    } else {
        protocol_.on_binary();
    }
    read_buffer_.consume(read_buffer_.size());
    if (!finished_) {
        // Even after the protocol queued a close: the relay's close frame,
        // read here, is what ends the session.
        do_read();
    }
}

ConnectionEnd Connection::read_failure(beast::error_code ec) {
    ConnectionEnd end;
    if (protocol_.failure() != LinkFailure::none) {
        // This side closed for a protocol reason; how the socket ended is secondary.
        end.failure = protocol_.failure();
        end.reason = protocol_.reason();
        return end;
    }
    if (shutting_down_ && (ec == websocket::error::closed || ec == net::error::operation_aborted)) {
        end.reason = "stopped";
        return end;
    }
    if (ec == websocket::error::closed) {
        websocket::close_reason reason;
        with_ws([&](auto& ws) { reason = ws.reason(); });
        end.failure = classify_close(reason.code);
        std::string text(reason.reason.data(), reason.reason.size());
        end.reason = fmt::format("relay closed the connection: {}{}{}", reason.code,
                                 text.empty() ? "" : " ", text);
    } else if (ec == websocket::error::message_too_big) {
        end.failure = LinkFailure::message_too_big;
        end.reason = fmt::format("the relay sent a message over {} bytes", kMaxTextBytes);
    } else if (ec == beast::error::timeout) {
        end.failure = LinkFailure::network;
        end.reason = fmt::format("the relay sent nothing for {} s (keepalive timeout)",
                                 std::max<std::int64_t>(3 * heartbeat_interval_.count(), 10));
    } else if (ec == net::ssl::error::stream_truncated || ec == net::error::eof ||
               ec == net::error::connection_reset) {
        end.failure = LinkFailure::network;
        end.reason = fmt::format("the relay dropped the connection without a close frame ({})",
                                 ec.message());
    } else {
        end.failure = LinkFailure::network;
        end.reason = fmt::format("connection to the relay lost: {}", ec.message());
    }
    return end;
}

void Connection::enqueue(Outgoing message) {
    if (closing_ || finished_ || !session_open_) {
        return;
    }
    if (message.kind == Outgoing::Kind::close) {
        closing_ = true;
    } else if (message.kind == Outgoing::Kind::binary) {
        ++queued_binary_;
    }
    queue_.push_back(std::move(message));
    if (!writing_) {
        do_write();
    }
}

void Connection::send_text(std::string text) {
    enqueue({Outgoing::Kind::text, std::move(text)});
}
void Connection::send_binary(std::string frame) {
    enqueue({Outgoing::Kind::binary, std::move(frame)});
}
void Connection::send_ping(std::string payload) {
    enqueue({Outgoing::Kind::ping, std::move(payload)});
}
void Connection::close(std::uint16_t code, std::string reason) {
    if (!session_open_) {
        finish(LinkFailure::none, "stopped");
        return;
    }
    // Messages not yet started are dropped: what they carried is still in the
    // store and goes out with the next session.
    while (queue_.size() > (writing_ ? 1u : 0u)) {
        if (queue_.back().kind == Outgoing::Kind::binary) {
            --queued_binary_;
        }
        queue_.pop_back();
    }
    enqueue({Outgoing::Kind::close, close_text(std::move(reason)), code});
}

void Connection::do_write() {
    writing_ = true;
    auto& front = queue_.front();
    auto self = shared_from_this();
    with_ws([&](auto& ws) {
        switch (front.kind) {
            case Outgoing::Kind::text:
            case Outgoing::Kind::binary:
                ws.binary(front.kind == Outgoing::Kind::binary);
                ws.async_write(net::buffer(front.payload),
                               beast::bind_front_handler(&Connection::on_write, self));
                break;
            case Outgoing::Kind::ping:
                ws.async_ping(websocket::ping_data(front.payload.data(), front.payload.size()),
                              [self](beast::error_code ec) { self->on_write(ec, 0); });
                break;
            case Outgoing::Kind::close:
                ws.async_close(websocket::close_reason(
                                   static_cast<websocket::close_code>(front.code), front.payload),
                               [self](beast::error_code ec) { self->on_write(ec, 0); });
                break;
        }
    });
}

void Connection::on_write(beast::error_code ec, std::size_t) {
    if (finished_) {
        return;
    }
    auto kind = queue_.front().kind;
    if (ec && kind == Outgoing::Kind::close &&
        (ec == websocket::error::closed || ec == net::error::operation_aborted)) {
        ec = {};  // the relay's close crossed ours: the read loop reports how it ended
    }
    if (ec) {
        if (ec == net::error::operation_aborted) {
            return;  // the read loop or finish() already ended the connection
        }
        if (shutting_down_) {
            finish(LinkFailure::none, "stopped");  // e.g. the relay never answered our close
            return;
        }
        auto end = read_failure(ec);
        finish(end.failure, "sending to the relay failed: " + end.reason);
        return;
    }
    if (kind == Outgoing::Kind::binary) {
        --queued_binary_;
    }
    queue_.pop_front();
    writing_ = false;
    if (kind == Outgoing::Kind::close) {
        if (!reading_) {
            // No read is pending (it stopped at an oversized message), so the
            // completed closing handshake is the end of the session.
            auto end = read_failure(websocket::error::closed);
            finish(end.failure, end.reason);
        }
        return;  // otherwise the read loop ends when the relay's close arrives
    }
    protocol_.on_written();
    if (!writing_ && !queue_.empty()) {
        do_write();
    }
}

void Connection::do_tick_wait() {
    tick_timer_.expires_after(plan_.tick);
    tick_timer_.async_wait(beast::bind_front_handler(&Connection::on_tick, shared_from_this()));
}

void Connection::on_tick(beast::error_code ec) {
    if (ec == net::error::operation_aborted || finished_) {
        return;
    }
    protocol_.on_tick();
    do_tick_wait();
}

void Connection::welcomed(std::chrono::seconds interval) {
    step_timer_.cancel();  // the welcome timer
    heartbeat_interval_ = interval;
    set_keepalive(interval);
    do_heartbeat_wait();
}

void Connection::on_welcome_timeout(beast::error_code ec) {
    if (ec == net::error::operation_aborted || finished_) {
        return;
    }
    protocol_.on_welcome_timeout();
}

void Connection::do_heartbeat_wait() {
    heartbeat_timer_.expires_after(heartbeat_interval_);
    heartbeat_timer_.async_wait(
        beast::bind_front_handler(&Connection::on_heartbeat, shared_from_this()));
}

void Connection::on_heartbeat(beast::error_code ec) {
    if (ec == net::error::operation_aborted || finished_) {
        return;
    }
    protocol_.on_heartbeat();
    do_heartbeat_wait();
}

void Connection::notify_outbox() {
    if (session_open_ && !finished_) {
        protocol_.on_outbox_changed();
    }
}

void Connection::notify_results() {
    if (session_open_ && !finished_) {
        protocol_.on_results();
    }
}

void Connection::finish(LinkFailure failure, std::string reason) {
    if (finished_) {
        return;
    }
    finished_ = true;
    if (failure == LinkFailure::none && protocol_.failure() != LinkFailure::none) {
        failure = protocol_.failure();
        reason = protocol_.reason();
    }
    resolver_.cancel();
    step_timer_.cancel();
    tick_timer_.cancel();
    heartbeat_timer_.cancel();
    beast::error_code ignored;
    tcp_layer().socket().close(ignored);
    ConnectionEnd end{failure, std::move(reason), protocol_.welcomed(),
                      std::chrono::steady_clock::now() - started_};
    // The done callback may drop the last outside reference; this keeps the
    // connection alive until its aborted handlers have run.
    auto done = std::move(done_);
    done(end);
}

}  // namespace cs::agent::ship

#include "tests/relay/support/smtp_sink.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "common/text/base64.hpp"

namespace cs::relay::testing {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string upper(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return s;
}

std::string between_brackets(const std::string& line) {
    auto a = line.find('<');
    auto b = line.rfind('>');
    return a == std::string::npos || b == std::string::npos || b < a
               ? ""
               : line.substr(a + 1, b - a - 1);
}

// Undoes dot-stuffing: a line that starts with ".." loses one dot.
std::string unstuff(const std::string& wire) {
    std::string out;
    std::size_t i = 0;
    while (i < wire.size()) {
        auto end = wire.find("\r\n", i);
        std::size_t next = end == std::string::npos ? wire.size() : end + 2;
        std::string_view line(wire.data() + i, next - i);
        if (line.starts_with("..")) {
            line.remove_prefix(1);
        }
        out += line;
        i = next;
    }
    return out;
}

}  // namespace

struct SmtpSink::Impl {
    explicit Impl(SmtpSink& owner)
        : sink(owner),
          acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          tls(asio::ssl::context::tls_server) {
        std::string dir = std::string(CS_TEST_DATA_DIR) + "/tls/agent/";
        tls.use_certificate_chain_file(dir + "server.pem");
        tls.use_private_key_file(dir + "server.key", asio::ssl::context::pem);
    }

    SmtpSink& sink;
    asio::io_context io;
    tcp::acceptor acceptor;
    asio::ssl::context tls;

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto socket = co_await acceptor.async_accept(asio::use_awaitable);
            auto s = std::make_shared<tcp::socket>(std::move(socket));
            // Each session is bounded: the socket closes at the limit.
            auto timer = std::make_shared<asio::steady_timer>(io, sink.options_.session_limit);
            timer->async_wait([s, timer](boost::system::error_code) {
                boost::system::error_code ignored;
                s->close(ignored);
            });
            asio::co_spawn(io, session(s), asio::detached);
        }
    }

    template <typename Stream>
    static asio::awaitable<std::string> read_line(Stream& stream, std::string& buffer) {
        for (;;) {
            auto end = buffer.find("\r\n");
            if (end != std::string::npos) {
                std::string line = buffer.substr(0, end);
                buffer.erase(0, end + 2);
                co_return line;
            }
            char chunk[4096];
            auto n = co_await stream.async_read_some(asio::buffer(chunk), asio::use_awaitable);
            buffer.append(chunk, n);
            if (buffer.size() > (1u << 20)) {
                throw std::runtime_error("the client sent a line over 1 MiB");
            }
        }
    }

    template <typename Stream>
    static asio::awaitable<void> say(Stream& stream, std::string text) {
        text += "\r\n";
        co_await asio::async_write(stream, asio::buffer(text), asio::use_awaitable);
    }

    // The dialogue after the greeting; true when the client asked for
    // STARTTLS and the caller must continue over TLS.
    template <typename Stream>
    asio::awaitable<bool> dialogue(Stream& stream, bool over_tls) {
        std::string buffer;
        SinkMessage message;
        message.tls = over_tls;
        for (;;) {
            auto line = co_await read_line(stream, buffer);
            sink.record_command(line.starts_with("AUTH") ? "AUTH ***" : line);
            auto verb = upper(line.substr(0, line.find(' ')));
            if (verb == "EHLO" || verb == "HELO") {
                std::string reply = "250-sink.test\r\n250-8BITMIME\r\n";
                if (sink.options_.starttls && !over_tls) {
                    reply += "250-STARTTLS\r\n";
                }
                reply += "250 AUTH PLAIN";
                co_await say(stream, reply);
            } else if (verb == "STARTTLS" && sink.options_.starttls && !over_tls) {
                co_await say(stream, "220 2.0.0 ready to start TLS");
                co_return true;
            } else if (verb == "AUTH") {
                auto parts = line.substr(line.find(' ') + 1);
                auto space = parts.find(' ');
                std::string encoded = space == std::string::npos ? "" : parts.substr(space + 1);
                if (encoded.empty()) {
                    // No initial response: ask for it.
                    co_await say(stream, "334 ");
                    encoded = co_await read_line(stream, buffer);
                }
                message.auth = text::base64_decode(encoded).value_or("");
                co_await say(stream, "235 2.7.0 authenticated");
            } else if (verb == "MAIL") {
                message.mail_from = between_brackets(line);
                co_await say(stream, "250 2.1.0 ok");
            } else if (verb == "RCPT") {
                auto to = between_brackets(line);
                if (sink.options_.refuse.contains(to)) {
                    co_await say(stream, "550 5.1.1 <" + to + ">: no such user here");
                } else {
                    message.rcpt.push_back(to);
                    co_await say(stream, "250 2.1.5 ok");
                }
            } else if (verb == "DATA") {
                co_await say(stream, "354 end with <CRLF>.<CRLF>");
                std::string wire;
                for (;;) {
                    auto data_line = co_await read_line(stream, buffer);
                    if (data_line == ".") {
                        break;
                    }
                    wire += data_line + "\r\n";
                }
                message.wire = wire;
                message.data = unstuff(wire);
                sink.record(message);
                message = SinkMessage{};
                message.tls = over_tls;
                co_await say(stream, "250 2.0.0 queued");
            } else if (verb == "RSET" || verb == "NOOP") {
                co_await say(stream, "250 2.0.0 ok");
            } else if (verb == "QUIT") {
                co_await say(stream, "221 2.0.0 bye");
                co_return false;
            } else {
                co_await say(stream, "502 5.5.2 not implemented");
            }
        }
    }

    asio::awaitable<void> session(std::shared_ptr<tcp::socket> s) {
        try {
            if (sink.options_.hang) {
                // Says nothing until the session limit closes the socket.
                char byte;
                co_await s->async_read_some(asio::buffer(&byte, 1), asio::use_awaitable);
                co_return;
            }
            co_await say(*s, "220 sink.test ESMTP");
            if (co_await dialogue(*s, false)) {
                asio::ssl::stream<tcp::socket&> secure(*s, tls);
                co_await secure.async_handshake(asio::ssl::stream_base::server,
                                                asio::use_awaitable);
                co_await dialogue(secure, true);
            }
        } catch (const std::exception&) {
            // The client went away or the session limit closed it.
        }
    }
};

SmtpSink::SmtpSink() : SmtpSink(Options{}) {}

SmtpSink::SmtpSink(Options options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(*this)) {
    port_ = impl_->acceptor.local_endpoint().port();
    asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
    thread_ = std::thread([this] { impl_->io.run(); });
}

SmtpSink::~SmtpSink() {
    impl_->io.stop();
    if (thread_.joinable()) {
        thread_.join();
    }
}

SmtpConfig SmtpSink::client_config() const {
    SmtpConfig c;
    c.host = "127.0.0.1";
    c.port = port_;
    c.from = "notifications@contractsync.test";
    c.tls = SmtpTls::none;
    c.timeout = std::chrono::seconds(5);
    c.connect_timeout = std::chrono::seconds(2);
    return c;
}

std::uint16_t SmtpSink::unused_port() {
    SmtpSink gone;
    return gone.port();
}

void SmtpSink::record(SinkMessage message) {
    std::lock_guard lock(mutex_);
    messages_.push_back(std::move(message));
    arrived_.notify_all();
}

void SmtpSink::record_command(std::string line) {
    std::lock_guard lock(mutex_);
    commands_.push_back(std::move(line));
}

std::vector<SinkMessage> SmtpSink::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

std::vector<std::string> SmtpSink::commands() const {
    std::lock_guard lock(mutex_);
    return commands_;
}

bool SmtpSink::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
}

}  // namespace cs::relay::testing

#include "tests/relay/support/tls_exchange.hpp"

#include <algorithm>
#include <memory>

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cs::relay::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct Closer {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
    void operator()(SSL* s) const { SSL_free(s); }
};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// True once `raw` holds a whole final response (head and Content-Length
// body); interim 1xx responses before it are counted and dropped.
bool complete(TlsExchange& x, std::string& raw) {
    auto end = raw.find("\r\n\r\n");
    while (end != std::string::npos && raw.starts_with("HTTP/1.1 1")) {
        ++x.interim;
        raw.erase(0, end + 4);
        end = raw.find("\r\n\r\n");
    }
    if (end == std::string::npos) {
        return false;
    }
    x.head = raw.substr(0, end);
    if (x.head.size() > 12 && x.head.starts_with("HTTP/1.")) {
        x.status = std::atoi(x.head.c_str() + 9);
    }
    auto length = x.header("content-length");
    std::size_t want = length.empty() ? 0 : std::stoul(length);
    if (raw.size() - end - 4 < want) {
        return false;
    }
    x.body = raw.substr(end + 4, want);
    return true;
}

}  // namespace

std::string TlsExchange::header(std::string_view name) const {
    auto want = lower(name) + ":";
    std::size_t at = head.find("\r\n");
    while (at != std::string::npos) {
        auto next = head.find("\r\n", at + 2);
        auto line =
            head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
        if (lower(line.substr(0, want.size())) == want) {
            auto value = line.substr(want.size());
            value.erase(0, value.find_first_not_of(' '));
            return value;
        }
        at = next;
    }
    return "";
}

TlsExchange tls_exchange(int port, std::string_view request, std::chrono::milliseconds timeout) {
    TlsExchange x;
    auto deadline = Clock::now() + timeout;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
        x.error = "connect failed";
        ::close(fd);
        return x;
    }
    std::unique_ptr<SSL_CTX, Closer> ctx(SSL_CTX_new(TLS_client_method()));
    std::unique_ptr<SSL, Closer> ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), fd);
    SSL_set_mode(ssl.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (SSL_connect(ssl.get()) != 1) {
        x.error = "TLS handshake failed";
        ::close(fd);
        return x;
    }
    x.connected = true;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::string raw;
    char buffer[64 * 1024];
    bool writing = true;
    while (Clock::now() < deadline) {
        if (writing && raw.empty() && x.sent < request.size()) {
            auto n = std::min<std::size_t>(request.size() - x.sent, sizeof buffer);
            int w = SSL_write(ssl.get(), request.data() + x.sent, static_cast<int>(n));
            if (w > 0) {
                x.sent += static_cast<std::uint64_t>(w);
            } else {
                int e = SSL_get_error(ssl.get(), w);
                if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) {
                    writing = false;  // the relay closed its side; read what it said
                }
            }
        }
        int r = SSL_read(ssl.get(), buffer, sizeof buffer);
        if (r > 0) {
            if (raw.empty() && x.sent < request.size()) {
                x.response_early = true;
            }
            raw.append(buffer, static_cast<std::size_t>(r));
            if (complete(x, raw)) {
                break;
            }
            continue;
        }
        int e = SSL_get_error(ssl.get(), r);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            x.error = raw.empty() ? "closed without a response" : "closed mid-response";
            complete(x, raw);
            break;
        }
        pollfd p{fd, static_cast<short>(POLLIN | (writing && raw.empty() ? POLLOUT : 0)), 0};
        ::poll(&p, 1, 50);
    }
    if (x.status == 0 && x.error.empty()) {
        x.error = "timed out";
    }
    ::close(fd);
    return x;
}

std::string request_head(std::string_view method, std::string_view target, std::uint64_t body_bytes,
                         std::string_view fields) {
    return fmt::format(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nContent-Type: "
        "text/csv\r\n{}\r\n",
        method, target, body_bytes, fields);
}

}  // namespace cs::relay::testing

#include "tests/agent/ship/test_proxy.hpp"

#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/evp.h>

namespace cs::agent::ship::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;

std::string base64(const std::string& in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

awaitable<void> pipe(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
    char data[16384];
    try {
        while (true) {
            std::size_t n = co_await from->async_read_some(net::buffer(data), use_awaitable);
            co_await net::async_write(*to, net::buffer(data, n), use_awaitable);
        }
    } catch (const std::exception&) {
    }
    beast::error_code ignored;
    to->shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

struct TestProxy::Impl {
    net::io_context ioc;
    tcp::acceptor acceptor{ioc};
    std::uint16_t port = 0;
    std::string expected_auth;  // empty: none required
    std::thread thread;
    mutable std::mutex mutex;
    ProxyRecord record;

    awaitable<void> serve(std::shared_ptr<tcp::socket> client) {
        try {
            beast::flat_buffer buffer;
            http::request_parser<http::empty_body> parser;
            co_await http::async_read_header(*client, buffer, parser, use_awaitable);
            auto& req = parser.get();
            std::string target(req.target());
            std::string auth(req[http::field::proxy_authorization]);
            {
                std::lock_guard lock(mutex);
                record.targets.push_back(target);
                record.authorizations.push_back(auth);
            }
            auto reply = [&](std::string text) -> awaitable<void> {
                co_await net::async_write(*client, net::buffer(text), use_awaitable);
            };
            if (req.method() != http::verb::connect) {
                co_await reply("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
                co_return;
            }
            if (!expected_auth.empty() && auth != expected_auth) {
                co_await reply(
                    "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
                    "realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
                co_return;
            }
            auto colon = target.rfind(':');
            if (target.substr(0, colon) != "127.0.0.1") {
                co_await reply("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                co_return;
            }
            auto upstream = std::make_shared<tcp::socket>(ioc);
            co_await upstream->async_connect(
                tcp::endpoint(net::ip::make_address("127.0.0.1"),
                              static_cast<unsigned short>(std::stoi(target.substr(colon + 1)))),
                use_awaitable);
            co_await reply("HTTP/1.1 200 Connection established\r\n\r\n");
            {
                std::lock_guard lock(mutex);
                ++record.tunnels;
            }
            net::co_spawn(ioc, pipe(client, upstream), net::detached);
            net::co_spawn(ioc, pipe(upstream, client), net::detached);
        } catch (const std::exception&) {
        }
    }

    awaitable<void> accept_loop() {
        while (true) {
            beast::error_code ec;
            auto client = std::make_shared<tcp::socket>(ioc);
            co_await acceptor.async_accept(*client, net::redirect_error(use_awaitable, ec));
            if (ec) {
                co_return;
            }
            {
                std::lock_guard lock(mutex);
                ++record.connections;
            }
            net::co_spawn(ioc, serve(client), net::detached);
        }
    }
};

TestProxy::TestProxy(std::string user, std::string password) : impl_(std::make_unique<Impl>()) {
    if (!user.empty()) {
        impl_->expected_auth = "Basic " + base64(user + ":" + password);
    }
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
    impl_->port = impl_->acceptor.local_endpoint().port();
    net::co_spawn(impl_->ioc, impl_->accept_loop(), net::detached);
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

TestProxy::~TestProxy() {
    impl_->ioc.stop();
    impl_->thread.join();
}

std::uint16_t TestProxy::port() const {
    return impl_->port;
}

ProxyRecord TestProxy::record() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->record;
}

}  // namespace cs::agent::ship::testing

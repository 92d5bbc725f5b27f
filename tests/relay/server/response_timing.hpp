#pragma once

// Times HTTPS GETs of bodies of a chosen size from a real relay TLS server on
// 127.0.0.1, each request on one kept-alive connection as browsers and API
// clients send them. A response whose last segment waits for the client's
// delayed ACK (Nagle's algorithm left on) takes ~40 ms instead of ~1 ms.
// Shared by the latency test and `scripts/bench http`.
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "relay/server/server.hpp"

namespace cs::relay::testing {

// A server whose GET /bytes/<n> answers n bytes, for the sizes given.
class SizedResponseServer {
public:
    explicit SizedResponseServer(const std::vector<std::size_t>& sizes)
        : interactive_(1), probe_(1), upgrades_(1) {
        auto router = std::make_shared<server::Router>();
        for (auto n : sizes) {
            router->add("GET", "/bytes/" + std::to_string(n), server::Execution::inline_io,
                        [n](const server::HttpRequest&) {
                            return server::HttpResponse::text(200, std::string(n, 'x'));
                        });
        }
        server::ServerOptions options;
        options.address = "127.0.0.1";
        options.port = 0;
        options.io_threads = 1;
        auto dir = std::filesystem::path(CS_TEST_DATA_DIR) / "tls";
        options.tls = {dir / "relay-test.crt", dir / "relay-test.key"};
        server_ = std::make_unique<server::Server>(
            options, router, server::Lanes{&interactive_, &probe_, &upgrades_});
        auto port = server_->start();
        if (!port) {
            throw std::runtime_error(port.error().message);
        }
        port_ = *port;
    }
    ~SizedResponseServer() {
        server_->stop();
        server_->wait();
    }
    int port() const { return port_; }

private:
    server::BlockingPool interactive_;
    server::BlockingPool probe_;
    server::BlockingPool upgrades_;
    std::unique_ptr<server::Server> server_;
    int port_ = 0;
};

// Milliseconds of each of `count` GETs of /bytes/<size> over one connection
// (the first, which pays for the TLS handshake, is not counted).
inline std::vector<double> time_keepalive_gets(int port, std::size_t size, int count) {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
        throw std::runtime_error("libcurl could not start");
    }
    auto url = "https://127.0.0.1:" + std::to_string(port) + "/bytes/" + std::to_string(size);
    std::size_t received = 0;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10'000L);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);
    curl_easy_setopt(
        curl, CURLOPT_WRITEFUNCTION, +[](char*, std::size_t s, std::size_t n, void* total) {
            *static_cast<std::size_t*>(total) += s * n;
            return s * n;
        });
    std::vector<double> ms;
    for (int i = 0; i <= count; ++i) {
        received = 0;
        auto start = std::chrono::steady_clock::now();
        CURLcode rc = curl_easy_perform(curl);
        auto took =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK || status != 200 || received != size) {
            curl_easy_cleanup(curl);
            throw std::runtime_error("GET " + url + " failed: " + curl_easy_strerror(rc) +
                                     ", HTTP " + std::to_string(status));
        }
        if (i > 0) {
            ms.push_back(took);
        }
    }
    long connects = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
    curl_easy_cleanup(curl);
    if (connects != 0) {
        throw std::runtime_error("the connection was not kept alive");
    }
    return ms;
}

}  // namespace cs::relay::testing

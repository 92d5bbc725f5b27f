// scripts/bench http: how long the relay's TLS server takes to answer GETs of
// 1 KB to 1 MB on one kept-alive connection on loopback. One JSON line per
// size: samples, p50, p99 and max in milliseconds. A response that waits for
// the client's delayed ACK shows as ~40 ms (docs/relay.md, "Threads and memory").
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tests/relay/server/response_timing.hpp"

int main(int argc, char** argv) {
    CLI::App app{"HTTP response latency of the relay's server"};
    int samples = 300;
    app.add_option("--samples", samples, "requests per size")->check(CLI::Range(10, 100'000));
    CLI11_PARSE(app, argc, argv);
    const std::vector<std::size_t> sizes = {1'000, 16'000, 64'000, 100'000, 1'000'000};
    try {
        cs::relay::testing::SizedResponseServer server(sizes);
        for (auto size : sizes) {
            auto ms = cs::relay::testing::time_keepalive_gets(server.port(), size, samples);
            std::sort(ms.begin(), ms.end());
            auto at = [&](double q) {
                return std::round(
                           ms[std::min(ms.size() - 1, static_cast<std::size_t>(ms.size() * q))] *
                           100) /
                       100;
            };
            nlohmann::json line{
                {"case", "http_response"}, {"bytes", size},
                {"samples", ms.size()},    {"p50_ms", at(0.5)},
                {"p99_ms", at(0.99)},      {"max_ms", std::round(ms.back() * 100) / 100}};
            std::puts(line.dump().c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "http_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}

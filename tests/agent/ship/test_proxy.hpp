#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cs::agent::ship::testing {

struct ProxyRecord {
    int connections = 0;
    std::vector<std::string> targets;         // CONNECT request targets
    std::vector<std::string> authorizations;  // Proxy-Authorization values
    int tunnels = 0;                          // tunnels opened
};

// A minimal HTTP CONNECT proxy on 127.0.0.1 that requires basic auth (when
// `user` is not empty) and only tunnels to 127.0.0.1.
class TestProxy {
public:
    TestProxy(std::string user, std::string password);
    ~TestProxy();

    std::uint16_t port() const;
    ProxyRecord record() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::agent::ship::testing

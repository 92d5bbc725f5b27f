#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/base/expected.hpp"
#include "tests/tools/p21sim/config.hpp"

namespace cs::p21sim {

class Simulator;

// The HTTP(S) listener in front of a Simulator. Beast stays inside server.cpp
// and session.hpp.
class Server {
public:
    // Binds and listens; the port is known when this returns.
    static Expected<std::unique_ptr<Server>> start(Simulator& simulator,
                                                   const ServerConfig& config);
    ~Server();

    std::uint16_t port() const;
    bool tls() const;
    // "http://127.0.0.1:<port>" or https.
    std::string origin() const;

    // Serves on config.threads threads until SIGINT/SIGTERM or stop().
    void run();
    // Stops accepting and ends run(); callable from any thread.
    void stop();

private:
    struct Impl;
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::p21sim

#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "agent/ship/failure.hpp"
#include "agent/ship/proxy.hpp"
#include "agent/ship/relay_command.hpp"
#include "agent/ship/uplink_status.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::ship {

struct UplinkOptions {
    std::string url;                 // wss://relay.example.com/v1/agent
    std::string site_key;            // the resolved secret (register it with cs::log first)
    std::filesystem::path ca_file;   // trusted in addition to the system store; may be empty
    std::string proxy;               // relay.proxy: "" (environment), "direct" or a URL
    std::string proxy_password;      // replaces the proxy URL's password when set
    EnvLookup env;                   // proxy variables; empty: the process environment
    std::filesystem::path state_db;  // the agent's state store (opened again, own connection)
    std::size_t window = 8;          // change sets in flight; the welcome may lower it

    std::string agent_version;  // empty: this build's version
    std::string host;           // empty: this machine's name
    std::string os;             // empty: this system's description

    RetryPolicy retry;
    std::chrono::milliseconds connect_timeout{15'000};    // each of DNS+TCP, CONNECT, TLS
    std::chrono::milliseconds handshake_timeout{30'000};  // WebSocket upgrade and the welcome
    std::chrono::milliseconds close_timeout{5'000};       // the closing handshake on stop()
    std::chrono::milliseconds outbox_poll{1'000};  // picks up change sets other processes wrote
    // `push`: stop at the first failure that needs a person (401, 4002, 4003,
    // 407, an untrusted certificate) instead of retrying slowly.
    bool give_up_on_operator_failures = false;
};

// The agent's one outbound connection to the relay (docs/agent-uplink.md): it
// connects (through a proxy if configured), says hello, ships the outbox in
// sequence order with a window of change sets in flight, deletes entries only
// when acknowledged, reports runs and failed rows, sends heartbeats, passes
// relay commands to `handler`, and reconnects with backoff when anything fails.
// Everything runs on the uplink's own thread.
class Uplink {
public:
    // Checks the URL and proxy settings, opens its own connection to the state
    // store and starts the uplink thread. `handler` may be null (no commands
    // taken) and must outlive the Uplink.
    static Expected<std::unique_ptr<Uplink>> start(UplinkOptions options, CommandHandler* handler);
    ~Uplink();
    Uplink(const Uplink&) = delete;
    Uplink& operator=(const Uplink&) = delete;

    // New change sets or runs were committed: ship them now, not at the next poll.
    void notify_outbox();
    // Closes the session with 1000 (waiting at most close_timeout for the relay)
    // and stops the thread. Unacknowledged change sets stay in the outbox.
    void stop();

    UplinkStatus status() const;
    // Blocks until `done(status)` holds or the deadline passes; returns the status then.
    UplinkStatus wait_until(const std::function<bool(const UplinkStatus&)>& done,
                            std::chrono::steady_clock::time_point deadline) const;

    struct Impl;

private:
    explicit Uplink(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::agent::ship

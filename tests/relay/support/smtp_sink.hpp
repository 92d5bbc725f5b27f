#pragma once

// A small SMTP server on 127.0.0.1 for tests: it records every message it
// accepts, can offer STARTTLS (tests/data/tls/agent/server.pem), refuse
// chosen recipients, or hang after the connection (no greeting) to test a
// client's timeout. Every session ends after `session_limit`; the destructor
// stops everything.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "relay/config/smtp_config.hpp"

namespace cs::relay::testing {

struct SinkMessage {
    std::string mail_from;          // as in MAIL FROM:<...>, without the brackets
    std::vector<std::string> rcpt;  // accepted recipients
    std::string wire;               // DATA as received, dot-stuffed, without the final "."
    std::string data;               // the message with dot-stuffing undone
    bool tls = false;               // sent after STARTTLS
    std::string auth;               // AUTH PLAIN's decoded "\0user\0password", if any
};

class SmtpSink {
public:
    struct Options {
        bool starttls = false;
        bool hang = false;
        std::set<std::string> refuse;  // recipients answered 550
        std::chrono::milliseconds session_limit{10'000};
    };
    SmtpSink();
    explicit SmtpSink(Options options);
    ~SmtpSink();
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    std::uint16_t port() const { return port_; }
    // A client config for this sink: plain SMTP, short timeouts.
    SmtpConfig client_config() const;
    // A port on 127.0.0.1 where nothing listens (a sink's, closed again).
    static std::uint16_t unused_port();
    std::vector<SinkMessage> messages() const;
    std::vector<std::string> commands() const;  // every command line received, in order
    // Waits until at least `n` messages arrived; false on timeout.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;

private:
    struct Impl;
    friend struct Impl;
    void record(SinkMessage message);
    void record_command(std::string line);

    Options options_;
    std::unique_ptr<Impl> impl_;
    std::uint16_t port_ = 0;
    mutable std::mutex mutex_;
    mutable std::condition_variable arrived_;
    std::vector<SinkMessage> messages_;
    std::vector<std::string> commands_;
    std::thread thread_;
};

}  // namespace cs::relay::testing

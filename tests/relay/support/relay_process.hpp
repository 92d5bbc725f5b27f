#pragma once

#include <filesystem>
#include <string>

#include <sys/types.h>

namespace cs::relay::testing {

// `contractsync-relay serve` as a child process, for tests that kill it.
class RelayProcess {
public:
    // `config_json` is written to `dir`/relay.json; its data_dir should be `dir`.
    RelayProcess(std::filesystem::path dir, std::string config_json);
    ~RelayProcess();  // SIGKILLs a process still running

    // Starts the relay and waits until it reports its port (or fails the test).
    bool start(std::chrono::seconds timeout = std::chrono::seconds(30));
    void kill_hard();  // SIGKILL, then reap
    int terminate();   // SIGTERM, wait; returns the exit status
    int port() const { return port_; }
    pid_t pid() const { return pid_; }

    static std::filesystem::path binary();

private:
    std::filesystem::path dir_;
    pid_t pid_ = -1;
    int port_ = 0;
};

// A port that was free a moment ago (for restarting a relay on the same port).
int free_port();

}  // namespace cs::relay::testing

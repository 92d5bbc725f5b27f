#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "relay/agent_link/registry.hpp"
#include "relay/db/connection.hpp"
#include "relay/metrics/relay_metrics.hpp"

namespace cs::relay::agent_link {

// Listens for site events from every relay instance (PostgreSQL LISTEN/NOTIFY on
// its own connection) and acts on this instance's sessions:
//  - contractsync_site_takeover: a newer connection for a site arrived
//    elsewhere; close ours with 4004 so it can take the site lock.
//  - contractsync_site_key_changed: a key was revoked or rotated; close the
//    site's session with 4003 unless its key is still active.
//  - contractsync_site_command: the API queued a command; the site's session
//    sends its pending commands now rather than at the next heartbeat.
// After every (re)connect it re-checks all sessions' keys, since notifications
// sent while it was disconnected are lost.
class Notifier {
public:
    Notifier(db::ConnectOptions options, SessionRegistry& registry, metrics::RelayMetrics& metrics);
    ~Notifier();
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;

    void start();
    void stop();

private:
    void run();
    bool listen(db::Connection& conn);
    void revalidate_keys(db::Connection& conn);
    void on_takeover(const std::string& payload);
    void on_key_changed(db::Connection& conn, const std::string& site_id);

    db::ConnectOptions options_;
    SessionRegistry& registry_;
    metrics::RelayMetrics& metrics_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace cs::relay::agent_link

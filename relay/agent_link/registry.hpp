#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cs::relay::agent_link {

// What other threads may ask of a live agent session; implementations hop onto
// the session's strand.
class LiveSession {
public:
    virtual ~LiveSession() = default;
    virtual const std::string& session_id() const = 0;
    virtual const std::string& tenant_id() const = 0;
    virtual const std::string& site_id() const = 0;
    virtual const std::string& key_id() const = 0;
    // Sends the site's pending commands now (thread-safe, asynchronous).
    virtual void poll_commands() = 0;
    // Closes the WebSocket with `code` (thread-safe, asynchronous).
    virtual void request_close(std::uint16_t code, std::string reason) = 0;
};

// The agent sessions of this relay instance: all of them (for shutdown) and
// the current one per site (for takeover and key revocation).
class SessionRegistry {
public:
    void add(const std::shared_ptr<LiveSession>& session);
    void remove(const LiveSession* session);

    // Makes `session` its site's current session; returns the one it replaces.
    std::shared_ptr<LiveSession> claim(const std::shared_ptr<LiveSession>& session);
    // Forgets the site's current session if it is still `session`.
    void release(const LiveSession* session);

    std::shared_ptr<LiveSession> current(const std::string& site_id) const;
    std::vector<std::shared_ptr<LiveSession>> current_all() const;
    std::vector<std::shared_ptr<LiveSession>> all() const;
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::map<const LiveSession*, std::weak_ptr<LiveSession>> all_;
    std::map<std::string, std::weak_ptr<LiveSession>> by_site_;
};

}  // namespace cs::relay::agent_link

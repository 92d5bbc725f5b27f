#include "relay/agent_link/registry.hpp"

namespace cs::relay::agent_link {

void SessionRegistry::add(const std::shared_ptr<LiveSession>& session) {
    std::lock_guard lock(mutex_);
    all_[session.get()] = session;
}

void SessionRegistry::remove(const LiveSession* session) {
    std::lock_guard lock(mutex_);
    all_.erase(session);
}

std::shared_ptr<LiveSession> SessionRegistry::claim(const std::shared_ptr<LiveSession>& session) {
    std::lock_guard lock(mutex_);
    auto& slot = by_site_[session->site_id()];
    auto previous = slot.lock();
    slot = session;
    return previous;
}

void SessionRegistry::release(const LiveSession* session) {
    std::lock_guard lock(mutex_);
    auto it = by_site_.find(session->site_id());
    if (it == by_site_.end()) {
        return;
    }
    auto current = it->second.lock();
    if (!current || current.get() == session) {
        by_site_.erase(it);
    }
}

std::shared_ptr<LiveSession> SessionRegistry::current(const std::string& site_id) const {
    std::lock_guard lock(mutex_);
    auto it = by_site_.find(site_id);
    return it == by_site_.end() ? nullptr : it->second.lock();
}

std::vector<std::shared_ptr<LiveSession>> SessionRegistry::current_all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<LiveSession>> out;
    for (const auto& [site, weak] : by_site_) {
        if (auto s = weak.lock()) {
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::vector<std::shared_ptr<LiveSession>> SessionRegistry::all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<LiveSession>> out;
    for (const auto& [ptr, weak] : all_) {
        if (auto s = weak.lock()) {
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return all_.size();
}

}  // namespace cs::relay::agent_link

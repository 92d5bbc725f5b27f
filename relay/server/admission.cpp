#include "relay/server/admission.hpp"

namespace cs::relay::server {

struct KeyedLimiter::State {
    std::size_t total_cap;
    std::size_t key_cap;
    mutable std::mutex mutex;
    std::size_t total = 0;
    std::unordered_map<std::string, std::size_t> per_key;
};

KeyedLimiter::KeyedLimiter(std::size_t total, std::size_t per_key)
    : state_(std::make_shared<State>()) {
    state_->total_cap = total;
    state_->key_cap = per_key;
}

std::optional<KeyedLimiter::Permit> KeyedLimiter::try_acquire(const std::string& key) {
    std::lock_guard lock(state_->mutex);
    auto& n = state_->per_key[key];
    if (state_->total >= state_->total_cap || n >= state_->key_cap) {
        if (n == 0) {
            state_->per_key.erase(key);
        }
        return std::nullopt;
    }
    ++n;
    ++state_->total;
    return Permit(state_, key);
}

KeyedLimiter::Permit::~Permit() {
    if (!state_) {
        return;  // moved from
    }
    std::lock_guard lock(state_->mutex);
    --state_->total;
    auto it = state_->per_key.find(key_);
    if (it != state_->per_key.end() && --it->second == 0) {
        state_->per_key.erase(it);
    }
}

bool KeyedLimiter::full(const std::string& key) const {
    std::lock_guard lock(state_->mutex);
    auto it = state_->per_key.find(key);
    std::size_t n = it == state_->per_key.end() ? 0 : it->second;
    return state_->total >= state_->total_cap || n >= state_->key_cap;
}

std::size_t KeyedLimiter::running() const {
    std::lock_guard lock(state_->mutex);
    return state_->total;
}

std::size_t KeyedLimiter::running(const std::string& key) const {
    std::lock_guard lock(state_->mutex);
    auto it = state_->per_key.find(key);
    return it == state_->per_key.end() ? 0 : it->second;
}

}  // namespace cs::relay::server

#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace cs::relay::server {

// Caps how many pieces of one kind of work run at once, in all and per key
// (a tenant): heavy API calls, reconciliation runs. Never waits: work over a
// cap is refused at once and its caller answers "try again later".
// Thread-safe; permits may be released on any thread.
class KeyedLimiter {
    struct State;

public:
    KeyedLimiter(std::size_t total, std::size_t per_key);

    // Held while the work runs; releases its slot when destroyed.
    class Permit {
    public:
        Permit(Permit&&) noexcept = default;
        Permit& operator=(Permit&&) noexcept = default;
        ~Permit();

    private:
        friend class KeyedLimiter;
        Permit(std::shared_ptr<State> state, std::string key)
            : state_(std::move(state)), key_(std::move(key)) {}
        std::shared_ptr<State> state_;
        std::string key_;
    };

    // A permit, or nullopt when `key` or the whole limiter is at its cap.
    std::optional<Permit> try_acquire(const std::string& key);

    // Whether try_acquire(key) would be refused now.
    bool full(const std::string& key) const;

    std::size_t running() const;
    std::size_t running(const std::string& key) const;

private:
    std::shared_ptr<State> state_;
};

}  // namespace cs::relay::server

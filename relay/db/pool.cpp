#include "relay/db/pool.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>

namespace cs::relay::db {
namespace {

// An idle connection older than this is pinged before reuse: the server or a
// firewall may have dropped it silently.
constexpr auto kCheckAfterIdle = std::chrono::seconds(30);

struct Idle {
    std::unique_ptr<Connection> conn;
    std::chrono::steady_clock::time_point since;
};

}  // namespace

struct Pool::State {
    ConnectOptions options;
    std::size_t max_size;
    std::string name;
    Setup setup;

    std::mutex mutex;
    std::condition_variable available;
    std::deque<Idle> idle;
    std::size_t leased = 0;  // connections handed out or being opened

    Expected<std::unique_ptr<Connection>> open() {
        auto conn = Connection::open(options);
        if (!conn) {
            return std::move(conn).error();
        }
        if (setup) {
            if (auto s = setup(**conn); !s) {
                return std::move(s).error();
            }
        }
        return conn;
    }

    void release_slot() {
        {
            std::lock_guard lock(mutex);
            --leased;
        }
        available.notify_one();
    }
};

Pool::Pool(ConnectOptions options, std::size_t max_size, std::string name, Setup setup)
    : state_(std::make_shared<State>()) {
    state_->options = std::move(options);
    state_->max_size = max_size;
    state_->name = std::move(name);
    state_->setup = std::move(setup);
}

Pool::~Pool() = default;

std::size_t Pool::max_size() const {
    return state_->max_size;
}

std::size_t Pool::in_use() const {
    std::lock_guard lock(state_->mutex);
    return state_->leased;
}

const std::string& Pool::name() const {
    return state_->name;
}

Expected<Pool::Lease> Pool::acquire(std::chrono::milliseconds wait) {
    auto& s = *state_;
    std::optional<Idle> reuse;
    {
        std::unique_lock lock(s.mutex);
        bool got = s.available.wait_for(
            lock, wait, [&] { return !s.idle.empty() || s.idle.size() + s.leased < s.max_size; });
        if (!got) {
            return make_error(ErrorCode::unavailable,
                              "no free {} database connection within {} ms ({} in use)", s.name,
                              wait.count(), s.leased);
        }
        if (!s.idle.empty()) {
            reuse = std::move(s.idle.front());
            s.idle.pop_front();
        }
        ++s.leased;
    }
    // Connecting and pinging happen outside the lock; the slot is already ours.
    if (reuse) {
        bool stale = std::chrono::steady_clock::now() - reuse->since > kCheckAfterIdle;
        if (!stale || reuse->conn->query("health check", "SELECT 1")) {
            return Lease(state_, std::move(reuse->conn));
        }
    }
    auto conn = s.open();
    if (!conn) {
        s.release_slot();
        return std::move(conn).error().wrap(fmt::format("{} pool", s.name));
    }
    return Lease(state_, std::move(*conn));
}

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        give_back();
        state_ = std::move(other.state_);
        conn_ = std::move(other.conn_);
    }
    return *this;
}

Pool::Lease::~Lease() {
    give_back();
}

void Pool::Lease::discard() {
    if (state_ && conn_) {
        conn_.reset();
        state_->release_slot();
        state_.reset();
    }
}

void Pool::Lease::give_back() {
    if (!state_ || !conn_) {
        return;
    }
    auto state = std::move(state_);
    if (!conn_->idle_and_ok()) {
        conn_.reset();
        state->release_slot();
        return;
    }
    {
        std::lock_guard lock(state->mutex);
        --state->leased;
        state->idle.push_back(Idle{std::move(conn_), std::chrono::steady_clock::now()});
    }
    state->available.notify_one();
}

}  // namespace cs::relay::db

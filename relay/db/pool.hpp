#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::db {

// A bounded pool of libpq connections. Connections are opened on demand up to
// max_size, checked before reuse when they sat idle, and dropped instead of
// returned when they broke or were left inside a transaction, so a lease always
// starts with a healthy, idle connection.
class Pool {
    struct State;

public:
    // Runs on every new connection before first use (session settings, etc.).
    using Setup = std::function<Status(Connection&)>;

    Pool(ConnectOptions options, std::size_t max_size, std::string name, Setup setup = {});
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Exclusive use of one connection; returns it to the pool on destruction.
    class Lease {
    public:
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&& other) noexcept;
        ~Lease();
        Connection& operator*() const { return *conn_; }
        Connection* operator->() const { return conn_.get(); }
        // Closes the connection instead of returning it (e.g. its state is unknown).
        void discard();

    private:
        friend class Pool;
        Lease(std::shared_ptr<State> state, std::unique_ptr<Connection> conn)
            : state_(std::move(state)), conn_(std::move(conn)) {}
        void give_back();
        std::shared_ptr<State> state_;
        std::unique_ptr<Connection> conn_;
    };

    // Waits up to `wait` for a free slot; fails with ErrorCode::unavailable when
    // the pool stays exhausted or PostgreSQL cannot be reached.
    Expected<Lease> acquire(std::chrono::milliseconds wait);

    std::size_t max_size() const;
    std::size_t in_use() const;
    const std::string& name() const;

private:
    std::shared_ptr<State> state_;
};

}  // namespace cs::relay::db

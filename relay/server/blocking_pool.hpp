#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace cs::relay::server {

// A fixed set of threads for blocking work (libpq calls, reconciliation runs),
// so the I/O threads never wait on the database. The relay keeps one pool per
// kind of work (agent sessions, API, /readyz, reconciliation; relay_service.cpp)
// so a flood of one cannot starve another. A job that has a result for a
// connection posts it to that connection's executor itself.
class BlockingPool {
public:
    explicit BlockingPool(std::size_t threads);
    ~BlockingPool();  // waits for queued jobs
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;

    void post(std::function<void()> job);
    // Runs the jobs already queued, then stops the threads.
    void join();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::relay::server

#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace cs::relay::server {

// Threads for blocking work (libpq calls): the I/O threads post jobs here and the
// jobs post their results back to the connection's strand.
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

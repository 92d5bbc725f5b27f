#include "relay/server/blocking_pool.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace cs::relay::server {

struct BlockingPool::Impl {
    explicit Impl(std::size_t threads) : pool(threads) {}
    boost::asio::thread_pool pool;
};

BlockingPool::BlockingPool(std::size_t threads) : impl_(std::make_unique<Impl>(threads)) {}

BlockingPool::~BlockingPool() {
    join();
}

void BlockingPool::post(std::function<void()> job) {
    boost::asio::post(impl_->pool, std::move(job));
}

void BlockingPool::join() {
    impl_->pool.join();
}

}  // namespace cs::relay::server

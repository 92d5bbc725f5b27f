#include "agent/pipeline/bounded_queue.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace cs::agent {
namespace {

TEST(BoundedQueueTest, PopsInTheOrderPushed) {
    BoundedQueue<int> queue(4);
    for (int i = 1; i <= 3; ++i) {
        ASSERT_TRUE(queue.push(i));
    }
    EXPECT_EQ(queue.pop(), 1);
    EXPECT_EQ(queue.pop(), 2);
    EXPECT_EQ(queue.pop(), 3);
}

TEST(BoundedQueueTest, AClosedQueueRefusesPushesAndDrainsWhatItHolds) {
    BoundedQueue<int> queue(4);
    ASSERT_TRUE(queue.push(1));
    ASSERT_TRUE(queue.push(2));
    queue.close();
    EXPECT_FALSE(queue.push(3));
    EXPECT_EQ(queue.pop(), 1);
    EXPECT_EQ(queue.pop(), 2);
    EXPECT_EQ(queue.pop(), std::nullopt);
}

TEST(BoundedQueueTest, AProducerWaitsWhileTheQueueIsFull) {
    BoundedQueue<int> queue(2);
    ASSERT_TRUE(queue.push(1));
    ASSERT_TRUE(queue.push(2));
    std::atomic<bool> pushed{false};
    std::thread producer([&] {
        queue.push(3);
        pushed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(pushed.load()) << "a full queue must hold the producer back";
    EXPECT_EQ(queue.pop(), 1);
    producer.join();
    EXPECT_TRUE(pushed.load());
    EXPECT_EQ(queue.pop(), 2);
    EXPECT_EQ(queue.pop(), 3);
}

TEST(BoundedQueueTest, ClosingWakesAWaitingConsumerAndAWaitingProducer) {
    BoundedQueue<int> empty(1);
    std::optional<int> popped = 42;
    std::thread consumer([&] { popped = empty.pop(); });
    BoundedQueue<int> full(1);
    ASSERT_TRUE(full.push(1));
    bool second = true;
    std::thread producer([&] { second = full.push(2); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    empty.close();
    full.close();
    consumer.join();
    producer.join();
    EXPECT_EQ(popped, std::nullopt);
    EXPECT_FALSE(second);
}

}  // namespace
}  // namespace cs::agent

// agent/platform's stop requests, tested here because the uplink's clean stop
// depends on them.
#include <thread>

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "agent/platform/shutdown.hpp"
#include "agent/platform/system_info.hpp"

namespace cs::agent::platform {
namespace {

using namespace std::chrono_literals;

TEST(ShutdownTest, RequestWakesWaitersAndListenersOnce) {
    Shutdown shutdown;
    int calls = 0;
    shutdown.on_request([&] { ++calls; });
    EXPECT_FALSE(shutdown.wait_for(10ms));
    std::thread requester([&] {
        std::this_thread::sleep_for(50ms);
        shutdown.request("test");
    });
    auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(shutdown.wait_for(10s));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    requester.join();
    shutdown.request("again");
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(shutdown.reason(), "test");
    EXPECT_TRUE(shutdown.flag().load());
}

TEST(StopRequestsTest, SigtermBecomesAStopRequest) {
    Shutdown shutdown;
    auto watcher = StopRequests::watch(shutdown).value();
    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    EXPECT_TRUE(shutdown.wait_for(5s));
    EXPECT_EQ(shutdown.reason(), "SIGTERM");
}

TEST(StopRequestsDeathTest, SecondSignalExitsAtOnce) {
    EXPECT_EXIT(
        {
            Shutdown shutdown;
            auto watcher = StopRequests::watch(shutdown).value();
            ::kill(::getpid(), SIGINT);
            shutdown.wait_for(5s);
            ::kill(::getpid(), SIGINT);
            std::this_thread::sleep_for(5s);
            std::exit(0);
        },
        ::testing::ExitedWithCode(128 + SIGINT), "second stop request");
}

TEST(SystemInfoTest, NamesTheHostAndSystem) {
    EXPECT_FALSE(host_name().empty());
    EXPECT_NE(os_description().find(' '), std::string::npos);
}

}  // namespace
}  // namespace cs::agent::platform

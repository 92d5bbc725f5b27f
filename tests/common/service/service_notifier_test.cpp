#include "common/service/service_notifier.hpp"

#include <cstdlib>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/common/service/notify_listener.hpp"

namespace cs::service {
namespace {

using namespace std::chrono_literals;
using testing::has_line;
using testing::NotifyListener;

// Restores the process environment a test changes.
class EnvGuard {
public:
    explicit EnvGuard(std::initializer_list<const char*> names) {
        for (const char* name : names) {
            const char* value = std::getenv(name);
            saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
        }
    }
    ~EnvGuard() {
        for (const auto& [name, value] : saved_) {
            if (value) {
                ::setenv(name.c_str(), value->c_str(), 1);
            } else {
                ::unsetenv(name.c_str());
            }
        }
    }

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(ServiceNotifierTest, SendsReadyWithStatusToAPathSocket) {
    NotifyListener manager;
    auto notifier = ServiceNotifier::for_socket(manager.address(), std::nullopt);
    ASSERT_TRUE(notifier.ready("serving 3 entities"));
    auto message = manager.next(5s);
    ASSERT_TRUE(message);
    EXPECT_EQ(*message, "READY=1\nSTATUS=serving 3 entities");
    ASSERT_TRUE(notifier.stopping());
    EXPECT_EQ(manager.next(5s).value_or(""), "STOPPING=1");
}

TEST(ServiceNotifierTest, ReachesAnAbstractSocket) {
    NotifyListener manager(true);
    ASSERT_EQ(manager.address().front(), '@');
    auto notifier = ServiceNotifier::for_socket(manager.address(), std::nullopt);
    ASSERT_TRUE(notifier.ready());
    EXPECT_EQ(manager.next(5s).value_or(""), "READY=1");
}

TEST(ServiceNotifierTest, ReadsTheEnvironmentAndIgnoresAnotherProcesssWatchdog) {
    EnvGuard guard{"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"};
    NotifyListener manager;
    ::setenv("NOTIFY_SOCKET", manager.address().c_str(), 1);
    ::setenv("WATCHDOG_USEC", "3000000", 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    auto mine = ServiceNotifier::from_environment();
    EXPECT_TRUE(mine.enabled());
    EXPECT_EQ(mine.watchdog_interval(), std::chrono::microseconds(3'000'000));
    ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
    EXPECT_FALSE(ServiceNotifier::from_environment().watchdog_interval());
    ::unsetenv("WATCHDOG_PID");
    ::setenv("WATCHDOG_USEC", "soon", 1);
    EXPECT_FALSE(ServiceNotifier::from_environment().watchdog_interval());
}

TEST(ServiceNotifierTest, WithoutASocketEverythingIsANoOp) {
    EnvGuard guard{"NOTIFY_SOCKET", "WATCHDOG_USEC"};
    ::unsetenv("NOTIFY_SOCKET");
    ::setenv("WATCHDOG_USEC", "1000", 1);
    auto notifier = ServiceNotifier::from_environment();
    EXPECT_FALSE(notifier.enabled());
    EXPECT_TRUE(notifier.ready());
    EXPECT_TRUE(notifier.watchdog());
    WatchdogPinger pinger(notifier);  // starts no thread, ends at once
}

TEST(ServiceNotifierTest, AnUnreachableSocketIsAnErrorNamingIt) {
    auto notifier = ServiceNotifier::for_socket("/nonexistent/cs-notify.sock", std::nullopt);
    auto st = notifier.ready();
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("/nonexistent/cs-notify.sock"), std::string::npos);
    auto vsock = ServiceNotifier::for_socket("vsock:2:1234", std::nullopt).ready();
    ASSERT_FALSE(vsock);
    EXPECT_NE(vsock.error().message.find("vsock:2:1234"), std::string::npos);
}

TEST(ServiceNotifierTest, ThePingerSendsWatchdogAtHalfTheInterval) {
    NotifyListener manager;
    auto notifier = ServiceNotifier::for_socket(manager.address(), 40ms);
    auto started = std::chrono::steady_clock::now();
    {
        WatchdogPinger pinger(notifier);
        for (int i = 0; i < 3; ++i) {
            auto message = manager.next(5s);
            ASSERT_TRUE(message);
            EXPECT_EQ(*message, "WATCHDOG=1");
        }
    }
    // Three pings 20 ms apart: the first at once, the third after ~40 ms.
    EXPECT_GE(std::chrono::steady_clock::now() - started, 35ms);
    // Once the pinger is gone, nothing more arrives.
    while (manager.next(0ms)) {
    }
    EXPECT_FALSE(manager.next(100ms));
}

TEST(ServiceNotifierTest, HasLineMatchesWholeLinesOnly) {
    EXPECT_TRUE(has_line("READY=1\nSTATUS=x", "READY=1"));
    EXPECT_TRUE(has_line("STATUS=x\nREADY=1", "READY=1"));
    EXPECT_FALSE(has_line("READY=10", "READY=1"));
}

}  // namespace
}  // namespace cs::service

// Error lines reach the Application event log: the sink the service installs
// through common/log, with a recorder in place of ReportEventW.
#include "agent/platform/system_log.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>
#include <windows.h>

#include "agent/platform/windows/system_log.hpp"
#include "common/log/log.hpp"

#include "event_messages.h"

namespace cs::agent::platform {
namespace {

struct Event {
    WORD type;
    DWORD message;
    std::wstring text;
};

class SystemLogTest : public ::testing::Test {
protected:
    void SetUp() override {
        log::Options options;
        options.level = "debug";
        options.to_stderr = false;
        options.system_log =
            make_event_log_sink([this](WORD type, DWORD message, const std::wstring& text) {
                events_.push_back({type, message, text});
            });
        ASSERT_TRUE(log::init(options));
    }
    void TearDown() override {
        log::clear_secrets();
        log::Options quiet;
        quiet.level = "off";
        (void)log::init(quiet);
    }
    std::vector<Event> events_;
};

TEST_F(SystemLogTest, ErrorLinesBecomeErrorEventsAndNothingElseDoes) {
    spdlog::debug("a debug line");
    spdlog::info("an info line");
    spdlog::warn("a warning");
    spdlog::error("relay: cannot connect to {}: {}", "relay.example.com:443", "timed out");
    spdlog::critical("state store is damaged");
    ASSERT_EQ(events_.size(), 2u);
    EXPECT_EQ(events_[0].type, EVENTLOG_ERROR_TYPE);
    EXPECT_EQ(events_[0].message, static_cast<DWORD>(CS_MSG_ERROR));
    // The bare message: Event Viewer has its own time and level columns.
    EXPECT_EQ(events_[0].text, L"relay: cannot connect to relay.example.com:443: timed out");
    EXPECT_EQ(events_[1].text, L"state store is damaged");
}

TEST_F(SystemLogTest, SecretsAreRedactedBeforeTheEventLogSeesThem) {
    log::register_secret("cs_site_0123456789abcdef");
    spdlog::error("site key cs_site_0123456789abcdef was refused");
    ASSERT_EQ(events_.size(), 1u);
    EXPECT_EQ(events_[0].text, L"site key *** was refused");
}

TEST_F(SystemLogTest, TextOutsideAsciiArrivesAsItWasLogged) {
    spdlog::error(
        "drop folder D:\\Lieferanten \xC3\x9C"
        "bersicht is missing");
    ASSERT_EQ(events_.size(), 1u);
    EXPECT_EQ(events_[0].text, L"drop folder D:\\Lieferanten \u00DCbersicht is missing");
}

TEST(SystemLog, TheServiceSinkTakesErrorsOnly) {
    auto sink = system_log_sink();
    ASSERT_NE(sink, nullptr);
    EXPECT_EQ(sink->level(), spdlog::level::err);
}

}  // namespace
}  // namespace cs::agent::platform

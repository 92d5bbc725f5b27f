// agent_windows_test.exe's entry point: the tz database is made ready the way
// contractsync-agent.exe makes it (tests/installer/windows/windows_unit_test.sh
// points CONTRACTSYNC_TZDATA_DIR at the build's tzdata\ folder).
#include <gtest/gtest.h>

#include "agent/platform/time_zones.hpp"

int main(int argc, char** argv) {
    cs::agent::platform::prepare_time_zones();
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

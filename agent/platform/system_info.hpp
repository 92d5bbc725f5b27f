#pragma once

#include <filesystem>
#include <string>

// What the agent says about the machine it runs on (hello and heartbeats).
// Implemented per platform under agent/platform/<platform>/.
namespace cs::agent::platform {

std::string host_name();
// e.g. "Linux 6.1.0-18-amd64 x86_64"
std::string os_description();
// This process's id, for status files and logs.
long process_id();
// This program's own file, for registering it as a service.
std::filesystem::path executable_path();

}  // namespace cs::agent::platform

#include "agent/platform/command_line.hpp"

namespace cs::agent::platform {

std::vector<std::string> utf8_command_line(int argc, char** argv) {
    return std::vector<std::string>(argv, argv + argc);
}

}  // namespace cs::agent::platform

#pragma once

#include <string>
#include <vector>

namespace cs::agent::platform {

// The program's arguments as UTF-8, which the rest of the agent assumes for
// every string (paths included: common/fs/file.hpp). POSIX: argv as given.
// Windows: argv is in the ANSI code page, so the arguments are read again
// from the UTF-16 command line, and console output is switched to UTF-8 so
// that messages naming a file show its name as it is.
std::vector<std::string> utf8_command_line(int argc, char** argv);

}  // namespace cs::agent::platform

#pragma once

namespace cs::p21sim {

// The whole p21sim program: reads the command line, serves until SIGINT/SIGTERM,
// returns the exit code.
int run_p21sim(int argc, const char* const* argv);

}  // namespace cs::p21sim

#include "agent/cli/cli.hpp"

int main(int argc, char** argv) {
    return cs::agent::run_cli(argc, argv);
}

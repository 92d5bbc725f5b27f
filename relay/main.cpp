#include "relay/cli/cli.hpp"

int main(int argc, char** argv) {
    return cs::relay::run_cli(argc, argv);
}

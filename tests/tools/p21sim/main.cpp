// p21sim: an Epicor Prophet 21 middleware simulator for tests, benchmarks and demos.
#include "tests/tools/p21sim/app.hpp"

int main(int argc, char** argv) {
    return cs::p21sim::run_p21sim(argc, argv);
}

#pragma once

#include <cstddef>

// Counts heap allocations made by the calling thread between start and stop,
// to pin the promise that normalizing a row allocates nothing beyond the
// strings it produces. alloc_counter.cpp replaces the global operator new.
namespace cs::test {

void start_counting_allocations();
std::size_t stop_counting_allocations();

}  // namespace cs::test

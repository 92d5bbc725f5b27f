#include "tests/agent/normalize/alloc_counter.hpp"

#include <cstdlib>
#include <new>

namespace {
thread_local bool g_counting = false;
thread_local std::size_t g_allocations = 0;
}  // namespace

namespace cs::test {

void start_counting_allocations() {
    g_allocations = 0;
    g_counting = true;
}

std::size_t stop_counting_allocations() {
    g_counting = false;
    return g_allocations;
}

}  // namespace cs::test

// Kept in their own file so the compiler never sees a new/free pair to inline.
void* operator new(std::size_t size) {
    if (g_counting) {
        ++g_allocations;
    }
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}

void operator delete(void* p) noexcept {
    std::free(p);
}

void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

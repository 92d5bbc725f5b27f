# Project-wide compiler settings: warnings are errors for ContractSync code only;
# third-party headers come in through IMPORTED targets and stay SYSTEM.

option(CS_WERROR "Treat warnings in project code as errors" ON)
option(CS_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(CS_FUZZ "Build libFuzzer targets (requires clang)" OFF)
option(CS_BUILD_TESTS "Build the test suite" ON)
option(CS_BUILD_BENCH "Build benchmarks" ON)

# Release builds use -O2 like RelWithDebInfo, the build every test runs on:
# GCC 12 at -O3 reports false -Wrestrict and -Wmaybe-uninitialized warnings
# inside libstdc++ (std::string, std::optional); benchmarks measure the same
# optimization level the tests exercise.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(CMAKE_CXX_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "Release flags" FORCE)
    set(CMAKE_C_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "Release flags" FORCE)
endif()

find_program(CS_CCACHE ccache)
if(CS_CCACHE)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${CS_CCACHE}")
    set(CMAKE_C_COMPILER_LAUNCHER "${CS_CCACHE}")
endif()

add_library(cs_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(cs_warnings INTERFACE
        -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
        -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2
        -Wmissing-declarations
        # Designated initializers that rely on member defaults are how options are passed.
        -Wno-missing-field-initializers)
    if(CS_WERROR)
        target_compile_options(cs_warnings INTERFACE -Werror)
    endif()
elseif(MSVC)
    target_compile_options(cs_warnings INTERFACE /W4 /permissive-)
    if(CS_WERROR)
        target_compile_options(cs_warnings INTERFACE /WX)
    endif()
endif()

if(CS_SANITIZE)
    # Tests that measure resident memory skip that check: ASan's quarantine
    # keeps freed memory resident.
    add_compile_definitions(CS_SANITIZED_BUILD=1)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()

if(CS_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "CS_FUZZ needs clang (CXX=clang++)")
    endif()
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()

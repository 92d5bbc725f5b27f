#pragma once

#include <cstddef>
#include <cstdint>

// The libFuzzer entry point every fuzz target defines.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#pragma once

#include <filesystem>

#include "common/base/expected.hpp"
#include "common/hash/hash128.hpp"

namespace cs {

// XXH3-128 of a file's content, read in chunks (memory does not grow with size).
Expected<Hash128> hash_file(const std::filesystem::path& path);

}  // namespace cs

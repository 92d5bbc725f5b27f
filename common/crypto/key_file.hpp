#pragma once

// A sealing key kept in a file only its owner may read (POSIX). Whoever reads
// the file can open every value sealed with it, so a file other users can read
// is refused, and backups should keep it apart from what it seals.
#include <filesystem>

#include "common/base/expected.hpp"
#include "common/crypto/sealing_key.hpp"

namespace cs::crypto {

// Reads the key; refuses a file group or others may access.
Expected<SealingKey> read_key_file(const std::filesystem::path& path);

// Writes a new random key to `path` with mode 0600, unless the file exists
// (O_EXCL: two processes creating it at once end with one key). True when
// this call created it.
Expected<bool> create_key_file(const std::filesystem::path& path);

}  // namespace cs::crypto

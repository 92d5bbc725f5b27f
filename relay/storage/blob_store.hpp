#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::relay::storage {

// Keys are relative paths of lowercase letters, digits, '.', '_' and '-' in
// segments separated by '/': "tenants/<uuid>/vendor-files/<uuid>". No empty,
// "." or ".." segment, no leading or trailing '/', at most kMaxKeyBytes. The
// same rule holds for every implementation, so a key valid on local disk is
// valid in a cloud object store.
inline constexpr std::size_t kMaxKeyBytes = 512;
Status validate_key(std::string_view key);

// A blob being written piece by piece. Nothing is visible under the key until
// commit() succeeds; destroying an uncommitted writer discards what it wrote.
class BlobWriter {
public:
    virtual ~BlobWriter() = default;
    virtual Status write(std::string_view bytes) = 0;
    // Makes the blob visible under its key, replacing any earlier one, atomically.
    virtual Status commit() = 0;
    virtual std::uint64_t bytes_written() const = 0;
};

// A blob being read piece by piece.
class BlobReader {
public:
    virtual ~BlobReader() = default;
    // Up to `max_bytes` more bytes; empty at the end.
    virtual Expected<std::string> read(std::size_t max_bytes) = 0;
    virtual std::uint64_t size() const = 0;
};

// Where the relay keeps files it must not lose (uploaded vendor contracts).
// Local disk today (LocalBlobStore); a cloud object store implements the same
// interface. Every method may be called from any thread.
class BlobStore {
public:
    virtual ~BlobStore() = default;

    // Writes the whole blob atomically, replacing any earlier one.
    virtual Status put(std::string_view key, std::string_view bytes) = 0;
    // Streamed put, for blobs too large to hold in memory; bounded by `max_bytes`.
    virtual Expected<std::unique_ptr<BlobWriter>> open_writer(std::string_view key,
                                                              std::uint64_t max_bytes) = 0;

    // The whole blob; not_found when absent, limit_exceeded when larger than `max_bytes`.
    virtual Expected<std::string> get(std::string_view key, std::uint64_t max_bytes) = 0;
    virtual Expected<std::unique_ptr<BlobReader>> open_reader(std::string_view key) = 0;
    // Size in bytes; not_found when absent.
    virtual Expected<std::uint64_t> size(std::string_view key) = 0;

    // Deletes the blob; deleting an absent key succeeds (retries are safe).
    virtual Status remove(std::string_view key) = 0;
};

}  // namespace cs::relay::storage

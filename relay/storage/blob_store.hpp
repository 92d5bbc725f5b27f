#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
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

// A file in a store's staging area: written in full, its size and SHA-256
// computed as it was written, not yet under any key. The file is removed when
// this is destroyed, unless put_staged() moved it under a key.
class StagedFile {
public:
    StagedFile(std::filesystem::path path, std::uint64_t size, std::string sha256);
    StagedFile(StagedFile&& other) noexcept;
    StagedFile& operator=(StagedFile&& other) noexcept;
    StagedFile(const StagedFile&) = delete;
    StagedFile& operator=(const StagedFile&) = delete;
    ~StagedFile();

    // A local file, readable while staged (a parser reads it before it is kept).
    const std::filesystem::path& path() const { return path_; }
    std::uint64_t size() const { return size_; }
    const std::string& sha256() const { return sha256_; }  // lowercase hex
    // The file has moved away: nothing is left to remove.
    void release() { path_.clear(); }

private:
    std::filesystem::path path_;
    std::uint64_t size_ = 0;
    std::string sha256_;
};

// Bytes being staged as they arrive (an upload read from the network): hashed
// as written, bounded by the `max_bytes` given to stage(). Destroying an
// unfinished writer removes what it wrote.
class StagingWriter {
public:
    virtual ~StagingWriter() = default;
    // limit_exceeded once the bytes written would pass max_bytes.
    virtual Status write(std::string_view bytes) = 0;
    virtual Expected<StagedFile> finish() = 0;
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

    // Stages a file piece by piece, without a key yet (an upload is staged
    // before it is known what it is); put_staged() then keeps it.
    virtual Expected<std::unique_ptr<StagingWriter>> stage(std::uint64_t max_bytes) = 0;
    // Moves a staged file under `key` atomically and durably, replacing any
    // earlier blob; `file` is released on success.
    virtual Status put_staged(std::string_view key, StagedFile& file) = 0;

    // The whole blob; not_found when absent, limit_exceeded when larger than `max_bytes`.
    virtual Expected<std::string> get(std::string_view key, std::uint64_t max_bytes) = 0;
    virtual Expected<std::unique_ptr<BlobReader>> open_reader(std::string_view key) = 0;
    // Size in bytes; not_found when absent.
    virtual Expected<std::uint64_t> size(std::string_view key) = 0;

    // Deletes the blob; deleting an absent key succeeds (retries are safe).
    virtual Status remove(std::string_view key) = 0;
};

}  // namespace cs::relay::storage

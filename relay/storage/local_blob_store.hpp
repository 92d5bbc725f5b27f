#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "relay/storage/blob_store.hpp"

namespace cs::relay::storage {

struct LocalBlobStoreOptions {
    std::uint64_t max_blob_bytes = std::uint64_t{1} << 30;  // put() and writers refuse more
    bool sync = true;  // fsync files and directories (tests may turn it off)
    // open() removes staging files in root/.tmp untouched for this long: what
    // a crash or a kill left of writes and uploads in progress. Well above
    // timeouts.http_upload, so an upload another instance is still writing
    // into a shared store is never taken.
    std::chrono::seconds stale_staging_after{3600};
};

// Blobs as files under `root` (the relay's data_dir/blobs): a key names a path
// below it. Writes (and staged uploads) go to root/.tmp first, are fsynced and renamed into place,
// so a reader sees the old blob or the new one, never part of one, even after a crash. Keys cannot
// leave `root` (validate_key refuses "..", absolute paths and hidden segments, so root/.tmp is
// never a key).
class LocalBlobStore final : public BlobStore {
public:
    // Creates `root` (and root/.tmp) when missing, and removes stale staging
    // files (LocalBlobStoreOptions::stale_staging_after).
    static Expected<std::unique_ptr<LocalBlobStore>> open(std::filesystem::path root,
                                                          LocalBlobStoreOptions options = {});

    Status put(std::string_view key, std::string_view bytes) override;
    Expected<std::unique_ptr<BlobWriter>> open_writer(std::string_view key,
                                                      std::uint64_t max_bytes) override;
    Expected<std::unique_ptr<StagingWriter>> stage(std::uint64_t max_bytes) override;
    Status put_staged(std::string_view key, StagedFile& file) override;
    Expected<std::string> get(std::string_view key, std::uint64_t max_bytes) override;
    Expected<std::unique_ptr<BlobReader>> open_reader(std::string_view key) override;
    Expected<std::uint64_t> size(std::string_view key) override;
    Status remove(std::string_view key) override;

    const std::filesystem::path& root() const { return root_; }
    // Where a key's file lives (the key must be valid).
    std::filesystem::path path_of(std::string_view key) const;

private:
    LocalBlobStore(std::filesystem::path root, LocalBlobStoreOptions options)
        : root_(std::move(root)), options_(options) {}

    std::filesystem::path root_;
    LocalBlobStoreOptions options_;
};

}  // namespace cs::relay::storage

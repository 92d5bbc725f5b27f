#include "agent/delta/index_snapshot.hpp"

#include <cstring>
#include <vector>

#include <xxhash.h>

#include "common/fs/file.hpp"

namespace cs::agent {
namespace {

constexpr char kMagic[8] = {'C', 'S', 'I', 'D', 'X', '0', '0', '1'};
constexpr std::size_t kChunkRows = 4096;

struct Header {
    char magic[8];
    std::int64_t entity_id;
    std::int64_t state_version;
    std::uint64_t count;
    std::uint64_t checksum;  // XXH3-64 of the rows
};

using File = fs::File;
using Hasher = std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)>;

// A missing or unreadable snapshot is an empty one to the caller: it rebuilds.
File open_file(const std::filesystem::path& path, bool write) {
    auto file = write ? fs::open_for_writing(path) : fs::open_for_reading(path);
    return file ? std::move(*file) : File();
}

Hasher new_hasher() {
    Hasher h(XXH3_createState(), &XXH3_freeState);
    XXH3_64bits_reset(h.get());
    return h;
}

}  // namespace

struct SnapshotWriter::State {
    std::filesystem::path path;
    std::filesystem::path tmp;
    File file;
    Hasher hasher{nullptr, &XXH3_freeState};
    Header header{};
    std::vector<SnapshotRow> chunk;
    bool committed = false;

    Status flush() {
        if (chunk.empty()) {
            return ok();
        }
        XXH3_64bits_update(hasher.get(), chunk.data(), chunk.size() * sizeof(SnapshotRow));
        if (std::fwrite(chunk.data(), sizeof(SnapshotRow), chunk.size(), file.get()) !=
            chunk.size()) {
            return make_error(ErrorCode::io_error, "cannot write index snapshot {}", tmp.string());
        }
        header.count += chunk.size();
        chunk.clear();
        return ok();
    }
};

Expected<SnapshotWriter> SnapshotWriter::open(const std::filesystem::path& path,
                                              std::int64_t entity_id, std::int64_t state_version) {
    SnapshotWriter w;
    w.state_ = std::make_unique<State>();
    auto& s = *w.state_;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    s.path = path;
    s.tmp = path;
    s.tmp += ".tmp";
    s.file = open_file(s.tmp, true);
    if (!s.file) {
        return make_error(ErrorCode::io_error, "cannot write index snapshot {}", s.tmp.string());
    }
    s.hasher = new_hasher();
    std::memcpy(s.header.magic, kMagic, sizeof kMagic);
    s.header.entity_id = entity_id;
    s.header.state_version = state_version;
    // Reserve the header; it is rewritten with the count and checksum at commit.
    if (std::fwrite(&s.header, sizeof s.header, 1, s.file.get()) != 1) {
        return make_error(ErrorCode::io_error, "cannot write index snapshot {}", s.tmp.string());
    }
    s.chunk.reserve(kChunkRows);
    return w;
}

SnapshotWriter::SnapshotWriter(SnapshotWriter&&) noexcept = default;

SnapshotWriter::~SnapshotWriter() {
    if (state_ && !state_->committed) {
        state_->file.reset();
        std::error_code ec;
        std::filesystem::remove(state_->tmp, ec);
    }
}

Status SnapshotWriter::write(const SnapshotRow& row) {
    state_->chunk.push_back(row);
    return state_->chunk.size() == kChunkRows ? state_->flush() : ok();
}

Status SnapshotWriter::commit() {
    auto& s = *state_;
    if (auto st = s.flush(); !st) {
        return st;
    }
    s.header.checksum = XXH3_64bits_digest(s.hasher.get());
    if (std::fseek(s.file.get(), 0, SEEK_SET) != 0 ||
        std::fwrite(&s.header, sizeof s.header, 1, s.file.get()) != 1 ||
        std::fflush(s.file.get()) != 0) {
        return make_error(ErrorCode::io_error, "cannot write index snapshot {}", s.tmp.string());
    }
    s.file.reset();
    if (auto st = cs::fs::replace_file(s.tmp, s.path); !st) {
        return std::move(st).error().wrap("index snapshot");
    }
    s.committed = true;
    return ok();
}

bool load_index_snapshot(const std::filesystem::path& path, std::int64_t entity_id,
                         std::int64_t state_version,
                         const std::function<void(const SnapshotRow&)>& fn) {
    File file = open_file(path, false);
    if (!file) {
        return false;
    }
    Header header{};
    if (std::fread(&header, sizeof header, 1, file.get()) != 1 ||
        std::memcmp(header.magic, kMagic, sizeof kMagic) != 0 || header.entity_id != entity_id ||
        header.state_version != state_version) {
        return false;
    }
    Hasher hasher = new_hasher();
    std::vector<SnapshotRow> chunk(kChunkRows);
    std::uint64_t remaining = header.count;
    while (remaining > 0) {
        std::size_t n = remaining < kChunkRows ? static_cast<std::size_t>(remaining) : kChunkRows;
        if (std::fread(chunk.data(), sizeof(SnapshotRow), n, file.get()) != n) {
            return false;
        }
        XXH3_64bits_update(hasher.get(), chunk.data(), n * sizeof(SnapshotRow));
        for (std::size_t i = 0; i < n; ++i) {
            fn(chunk[i]);
        }
        remaining -= n;
    }
    return std::fgetc(file.get()) == EOF && XXH3_64bits_digest(hasher.get()) == header.checksum;
}

}  // namespace cs::agent

#include "relay/storage/local_blob_store.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cs::relay::storage {
namespace {

namespace fs = std::filesystem;

Error os_error(std::string_view what, const fs::path& path, int err) {
    return make_error(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error, "{} {}: {}", what,
                      path.string(), std::strerror(err));
}

// A file descriptor closed on destruction.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept {
        reset(other.release());
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd = -1) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = fd;
    }

private:
    int fd_;
};

Status write_all(int fd, std::string_view bytes, const fs::path& path) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return os_error("writing", path, errno);
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return ok();
}

// The directory entry of a renamed file is durable only once its directory is synced.
Status sync_directory(const fs::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) {
        return os_error("opening directory", dir, errno);
    }
    if (::fsync(fd.get()) != 0) {
        return os_error("syncing directory", dir, errno);
    }
    return ok();
}

std::string temp_name() {
    static std::atomic<std::uint64_t> counter{0};
    thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("{}-{}-{:016x}.part", ::getpid(), counter++, random());
}

// Writes into root/.tmp, hashing as it goes; finish() hands the file over as
// a StagedFile. Unfinished, it removes its file.
class LocalStagingWriter final : public StagingWriter {
public:
    LocalStagingWriter(Fd fd, fs::path temp, std::uint64_t max_bytes)
        : fd_(std::move(fd)), temp_(std::move(temp)), max_bytes_(max_bytes) {
        if (hash_ == nullptr || EVP_DigestInit_ex(hash_.get(), EVP_sha256(), nullptr) != 1) {
            hash_.reset();
        }
    }

    ~LocalStagingWriter() override {
        if (!finished_) {
            fd_.reset();
            ::unlink(temp_.c_str());
        }
    }

    Status write(std::string_view bytes) override {
        if (finished_ || failed_) {
            return make_error(ErrorCode::invalid_argument, "staging {}: writer already {}",
                              temp_.filename().string(), finished_ ? "finished" : "failed");
        }
        if (bytes.size() > max_bytes_ - written_) {
            failed_ = true;
            return make_error(ErrorCode::limit_exceeded, "more than {} bytes", max_bytes_);
        }
        if (auto s = write_all(fd_.get(), bytes, temp_); !s) {
            failed_ = true;
            return s;
        }
        if (hash_ && EVP_DigestUpdate(hash_.get(), bytes.data(), bytes.size()) != 1) {
            hash_.reset();
        }
        written_ += bytes.size();
        return ok();
    }

    Expected<StagedFile> finish() override {
        if (finished_ || failed_) {
            return make_error(ErrorCode::invalid_argument, "staging {}: writer already {}",
                              temp_.filename().string(), finished_ ? "finished" : "failed");
        }
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        if (!hash_ || EVP_DigestFinal_ex(hash_.get(), digest, &length) != 1) {
            failed_ = true;
            return make_error(ErrorCode::internal, "staging {}: SHA-256 unavailable",
                              temp_.filename().string());
        }
        std::string hex;
        hex.reserve(2 * length);
        for (unsigned int i = 0; i < length; ++i) {
            hex += fmt::format("{:02x}", digest[i]);
        }
        fd_.reset();
        finished_ = true;
        return StagedFile(temp_, written_, std::move(hex));
    }

    std::uint64_t bytes_written() const override { return written_; }

private:
    struct HashFree {
        void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
    };
    Fd fd_;
    fs::path temp_;
    std::uint64_t max_bytes_;
    std::unique_ptr<EVP_MD_CTX, HashFree> hash_{EVP_MD_CTX_new()};
    std::uint64_t written_ = 0;
    bool finished_ = false;
    bool failed_ = false;
};

// A streamed put: a staging writer whose commit keeps the file under its key.
class LocalWriter final : public BlobWriter {
public:
    LocalWriter(LocalBlobStore& store, std::unique_ptr<StagingWriter> staging, std::string key)
        : store_(store), staging_(std::move(staging)), key_(std::move(key)) {}

    Status write(std::string_view bytes) override {
        auto s = staging_->write(bytes);
        if (!s && s.error().code == ErrorCode::limit_exceeded) {
            return make_error(ErrorCode::limit_exceeded, "{}: blob {}", key_, s.error().message);
        }
        return s;
    }

    Status commit() override {
        auto staged = staging_->finish();
        if (!staged) {
            return std::move(staged).error();
        }
        return store_.put_staged(key_, *staged);
    }

    std::uint64_t bytes_written() const override { return staging_->bytes_written(); }

private:
    LocalBlobStore& store_;
    std::unique_ptr<StagingWriter> staging_;
    std::string key_;
};

class LocalReader final : public BlobReader {
public:
    LocalReader(Fd fd, fs::path path, std::uint64_t size)
        : fd_(std::move(fd)), path_(std::move(path)), size_(size) {}

    Expected<std::string> read(std::size_t max_bytes) override {
        std::string out(max_bytes, '\0');
        std::size_t got = 0;
        while (got < max_bytes) {
            ssize_t n = ::read(fd_.get(), out.data() + got, max_bytes - got);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return os_error("reading", path_, errno);
            }
            if (n == 0) {
                break;
            }
            got += static_cast<std::size_t>(n);
        }
        out.resize(got);
        return out;
    }

    std::uint64_t size() const override { return size_; }

private:
    Fd fd_;
    fs::path path_;
    std::uint64_t size_;
};

bool key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// Opens a blob for reading and learns its size.
Expected<std::pair<Fd, std::uint64_t>> open_blob(const fs::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        return os_error("opening blob", path, errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return os_error("reading the size of", path, errno);
    }
    if (!S_ISREG(st.st_mode)) {
        return make_error(ErrorCode::not_found, "{}: not a blob", path.string());
    }
    return std::pair<Fd, std::uint64_t>(std::move(fd), static_cast<std::uint64_t>(st.st_size));
}

}  // namespace

StagedFile::StagedFile(fs::path path, std::uint64_t size, std::string sha256)
    : path_(std::move(path)), size_(size), sha256_(std::move(sha256)) {}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : path_(std::move(other.path_)), size_(other.size_), sha256_(std::move(other.sha256_)) {
    other.path_.clear();
}

StagedFile& StagedFile::operator=(StagedFile&& other) noexcept {
    if (this != &other) {
        if (!path_.empty()) {
            ::unlink(path_.c_str());
        }
        path_ = std::move(other.path_);
        other.path_.clear();
        size_ = other.size_;
        sha256_ = std::move(other.sha256_);
    }
    return *this;
}

StagedFile::~StagedFile() {
    if (!path_.empty()) {
        ::unlink(path_.c_str());
    }
}

Status validate_key(std::string_view key) {
    if (key.empty() || key.size() > kMaxKeyBytes) {
        return make_error(ErrorCode::invalid_argument, "blob key '{}': must be 1-{} bytes", key,
                          kMaxKeyBytes);
    }
    std::size_t start = 0;
    while (start <= key.size()) {
        std::size_t end = key.find('/', start);
        if (end == std::string_view::npos) {
            end = key.size();
        }
        std::string_view segment = key.substr(start, end - start);
        if (segment.empty() || segment.front() == '.') {
            return make_error(ErrorCode::invalid_argument,
                              "blob key '{}': empty segment or one starting with '.'", key);
        }
        for (char c : segment) {
            if (!key_char(c)) {
                return make_error(ErrorCode::invalid_argument,
                                  "blob key '{}': only a-z, 0-9, '.', '_', '-' and '/' are allowed",
                                  key);
            }
        }
        start = end + 1;
    }
    return ok();
}

Expected<std::unique_ptr<LocalBlobStore>> LocalBlobStore::open(fs::path root,
                                                               LocalBlobStoreOptions options) {
    std::error_code ec;
    fs::create_directories(root / ".tmp", ec);
    if (ec) {
        return make_error(ErrorCode::io_error, "creating the blob store {}: {}", root.string(),
                          ec.message());
    }
    // Staging files are written as they arrive, so one untouched for the
    // whole stale period belongs to no writer alive.
    std::size_t swept = 0;
    auto cutoff = fs::file_time_type::clock::now() - options.stale_staging_after;
    for (const auto& entry : fs::directory_iterator(root / ".tmp", ec)) {
        std::error_code e;
        if (entry.is_regular_file(e) && entry.last_write_time(e) < cutoff && !e &&
            fs::remove(entry.path(), e)) {
            ++swept;
        }
    }
    if (swept > 0) {
        spdlog::info("blob store {}: removed {} staging file(s) left by writes that never finished",
                     root.string(), swept);
    }
    return std::unique_ptr<LocalBlobStore>(new LocalBlobStore(std::move(root), options));
}

fs::path LocalBlobStore::path_of(std::string_view key) const {
    return root_ / fs::path(std::string(key));
}

Expected<std::unique_ptr<StagingWriter>> LocalBlobStore::stage(std::uint64_t max_bytes) {
    fs::path temp = root_ / ".tmp" / temp_name();
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        return os_error("creating", temp, errno);
    }
    return std::unique_ptr<StagingWriter>(std::make_unique<LocalStagingWriter>(
        std::move(fd), std::move(temp), std::min(max_bytes, options_.max_blob_bytes)));
}

Status LocalBlobStore::put_staged(std::string_view key, StagedFile& file) {
    if (auto s = validate_key(key); !s) {
        return s;
    }
    if (file.path().empty() || file.path().parent_path() != root_ / ".tmp") {
        return make_error(ErrorCode::invalid_argument, "{}: not a file staged in {}", key,
                          root_.string());
    }
    // Durable before it is visible: the data, the rename, then the directory.
    if (options_.sync) {
        Fd fd(::open(file.path().c_str(), O_RDONLY | O_CLOEXEC));
        if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
            return os_error("syncing", file.path(), errno);
        }
    }
    auto target = path_of(key);
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
        return make_error(ErrorCode::io_error, "creating {}: {}", target.parent_path().string(),
                          ec.message());
    }
    if (::rename(file.path().c_str(), target.c_str()) != 0) {
        return os_error("renaming into", target, errno);
    }
    file.release();
    if (options_.sync) {
        return sync_directory(target.parent_path());
    }
    return ok();
}

Expected<std::unique_ptr<BlobWriter>> LocalBlobStore::open_writer(std::string_view key,
                                                                  std::uint64_t max_bytes) {
    if (auto s = validate_key(key); !s) {
        return std::move(s).error();
    }
    auto staging = stage(max_bytes);
    if (!staging) {
        return std::move(staging).error();
    }
    return std::unique_ptr<BlobWriter>(
        std::make_unique<LocalWriter>(*this, std::move(*staging), std::string(key)));
}

Status LocalBlobStore::put(std::string_view key, std::string_view bytes) {
    auto writer = open_writer(key, options_.max_blob_bytes);
    if (!writer) {
        return std::move(writer).error();
    }
    if (auto s = (*writer)->write(bytes); !s) {
        return s;
    }
    return (*writer)->commit();
}

Expected<std::string> LocalBlobStore::get(std::string_view key, std::uint64_t max_bytes) {
    if (auto s = validate_key(key); !s) {
        return std::move(s).error();
    }
    auto path = path_of(key);
    auto blob = open_blob(path);
    if (!blob) {
        return std::move(blob).error();
    }
    auto& [fd, blob_size] = *blob;
    if (blob_size > max_bytes) {
        return make_error(ErrorCode::limit_exceeded, "blob {}: {} bytes, more than the {} allowed",
                          key, blob_size, max_bytes);
    }
    LocalReader reader(std::move(fd), path, blob_size);
    return reader.read(static_cast<std::size_t>(blob_size));
}

Expected<std::unique_ptr<BlobReader>> LocalBlobStore::open_reader(std::string_view key) {
    if (auto s = validate_key(key); !s) {
        return std::move(s).error();
    }
    auto path = path_of(key);
    auto blob = open_blob(path);
    if (!blob) {
        return std::move(blob).error();
    }
    return std::unique_ptr<BlobReader>(
        std::make_unique<LocalReader>(std::move(blob->first), path, blob->second));
}

Expected<std::uint64_t> LocalBlobStore::size(std::string_view key) {
    if (auto s = validate_key(key); !s) {
        return std::move(s).error();
    }
    auto blob = open_blob(path_of(key));
    if (!blob) {
        return std::move(blob).error();
    }
    return blob->second;
}

Status LocalBlobStore::remove(std::string_view key) {
    if (auto s = validate_key(key); !s) {
        return s;
    }
    auto path = path_of(key);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return os_error("deleting", path, errno);
    }
    return ok();
}

}  // namespace cs::relay::storage

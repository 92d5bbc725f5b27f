#include "common/crypto/key_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cs::crypto {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 256;

}  // namespace

Expected<SealingKey> read_key_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return make_error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io_error,
                          "key file {}: {}", path.string(), std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error(ErrorCode::io_error, "key file {} is not a regular file", path.string());
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        ::close(fd);
        return make_error(ErrorCode::unauthorized,
                          "key file {} can be read by other users (mode {:o}); it must be "
                          "readable by its owner only: chmod 600 {}",
                          path.string(), st.st_mode & 07777, path.string());
    }
    std::string text(kMaxKeyFileBytes + 1, '\0');
    ssize_t n = ::read(fd, text.data(), text.size());
    ::close(fd);
    if (n < 0) {
        OPENSSL_cleanse(text.data(), text.size());
        return make_error(ErrorCode::io_error, "key file {}: {}", path.string(),
                          std::strerror(errno));
    }
    text.resize(static_cast<std::size_t>(n));
    auto key = SealingKey::parse(text, "key file " + path.string());
    OPENSSL_cleanse(text.data(), text.size());
    return key;
}

Expected<bool> create_key_file(const std::filesystem::path& path) {
    auto key = SealingKey::generate();
    if (!key) {
        return std::move(key).error();
    }
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int err = errno;
        if (err == EEXIST) {
            return false;
        }
        return make_error(ErrorCode::io_error, "key file {}: {}", path.string(),
                          std::strerror(err));
    }
    std::string text = key->text();
    bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                   ::fsync(fd) == 0;
    ::close(fd);
    OPENSSL_cleanse(text.data(), text.size());
    if (!written) {
        ::unlink(path.c_str());
        return make_error(ErrorCode::io_error, "key file {}: cannot write it", path.string());
    }
    return true;
}

}  // namespace cs::crypto

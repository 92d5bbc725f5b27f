#include "common/xlsx/zip_archive.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <unzip.h>

#include "common/fs/file.hpp"

namespace cs::xlsx {
namespace {

// minizip reads through these callbacks when the archive is already in memory.
struct MemoryFile {
    std::string_view bytes;
    std::uint64_t pos = 0;
};

voidpf ZCALLBACK memory_open(voidpf opaque, const void*, int) {
    return opaque;
}
uLong ZCALLBACK memory_read(voidpf, voidpf stream, void* buf, uLong size) {
    auto* file = static_cast<MemoryFile*>(stream);
    if (file->pos >= file->bytes.size()) {
        return 0;
    }
    const std::uint64_t n = std::min<std::uint64_t>(size, file->bytes.size() - file->pos);
    std::memcpy(buf, file->bytes.data() + file->pos, n);
    file->pos += n;
    return static_cast<uLong>(n);
}
uLong ZCALLBACK memory_write(voidpf, voidpf, const void*, uLong) {
    return 0;
}
ZPOS64_T ZCALLBACK memory_tell(voidpf, voidpf stream) {
    return static_cast<MemoryFile*>(stream)->pos;
}
long ZCALLBACK memory_seek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
    auto* file = static_cast<MemoryFile*>(stream);
    std::uint64_t base = 0;
    if (origin == ZLIB_FILEFUNC_SEEK_CUR) {
        base = file->pos;
    } else if (origin == ZLIB_FILEFUNC_SEEK_END) {
        base = file->bytes.size();
    }
    if (offset > file->bytes.size() || base > file->bytes.size() - offset) {
        return -1;
    }
    file->pos = base + offset;
    return 0;
}
int ZCALLBACK memory_close(voidpf, voidpf) {
    return 0;
}
int ZCALLBACK memory_error(voidpf, voidpf) {
    return 0;
}

// Hands minizip the file that open_file already opened (passed as `opaque`).
voidpf ZCALLBACK adopt_open(voidpf opaque, const void*, int) {
    return opaque;
}

// Names what a non-zip file probably is, since users do drop .xls and .csv files here.
std::string not_a_zip(std::string_view head) {
    if (head.substr(0, 8) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return "not an .xlsx file: it is an OLE2 compound file (a legacy .xls workbook or a "
               "password-protected .xlsx); save it as an unprotected .xlsx";
    }
    return "not an .xlsx file: not a zip archive";
}

}  // namespace

struct ZipArchive::State {
    unzFile zip = nullptr;
    MemoryFile memory;
    std::string entry;
    std::uint64_t entry_read = 0;
    std::uint64_t entry_limit = 0;
    bool entry_open = false;

    ~State() {
        if (zip != nullptr) {
            if (entry_open) {
                unzCloseCurrentFile(zip);
            }
            unzClose(zip);
        }
    }
};

ZipArchive::ZipArchive(std::unique_ptr<State> state, std::string name)
    : state_(std::move(state)), name_(std::move(name)) {}
ZipArchive::ZipArchive(ZipArchive&&) noexcept = default;
ZipArchive& ZipArchive::operator=(ZipArchive&&) noexcept = default;
ZipArchive::~ZipArchive() = default;

Expected<ZipArchive> ZipArchive::open_file(const std::filesystem::path& path) {
    const std::string name = fs::to_utf8(path);
    auto file = fs::open_for_reading(path);
    if (!file) {
        return std::move(file).error();
    }
    char head[8] = {};
    const std::size_t got = std::fread(head, 1, sizeof head, file->get());
    if (got < 4 || std::string_view(head, 2) != "PK") {
        return make_error(ErrorCode::parse_error, "{}: {}", name,
                          not_a_zip(std::string_view(head, got)));
    }
    std::rewind(file->get());
    // minizip reads through stdio on the file opened here (wide and long
    // paths on Windows, refused while another program writes it).
    zlib_filefunc64_def io{};
    fill_fopen64_filefunc(&io);
    io.zopen64_file = adopt_open;
    // From here minizip owns the file: unzClose closes it, and so does a failed open.
    io.opaque = file->release();
    auto state = std::make_unique<State>();
    state->zip = unzOpen2_64(name.c_str(), &io);
    if (state->zip == nullptr) {
        return make_error(ErrorCode::parse_error,
                          "{}: not an .xlsx file: the zip archive is damaged (no central "
                          "directory)",
                          name);
    }
    return ZipArchive(std::move(state), name);
}

Expected<ZipArchive> ZipArchive::open_memory(std::string_view bytes, std::string name) {
    if (bytes.size() < 4 || bytes.substr(0, 2) != "PK") {
        return make_error(ErrorCode::parse_error, "{}: {}", name, not_a_zip(bytes.substr(0, 8)));
    }
    auto state = std::make_unique<State>();
    state->memory.bytes = bytes;
    zlib_filefunc64_def io{};
    io.zopen64_file = memory_open;
    io.zread_file = memory_read;
    io.zwrite_file = memory_write;
    io.ztell64_file = memory_tell;
    io.zseek64_file = memory_seek;
    io.zclose_file = memory_close;
    io.zerror_file = memory_error;
    io.opaque = &state->memory;
    state->zip = unzOpen2_64(name.c_str(), &io);
    if (state->zip == nullptr) {
        return make_error(ErrorCode::parse_error,
                          "{}: not an .xlsx file: the zip archive is damaged (no central "
                          "directory)",
                          name);
    }
    return ZipArchive(std::move(state), std::move(name));
}

bool ZipArchive::contains(std::string_view entry) {
    close_entry();
    return unzLocateFile(state_->zip, std::string(entry).c_str(), 2) == UNZ_OK;
}

Error ZipArchive::entry_error(std::string_view why) const {
    return make_error(ErrorCode::parse_error, "{}: {}: {}", name_, state_->entry, why);
}

Status ZipArchive::open_entry(std::string_view entry, std::uint64_t max_bytes) {
    close_entry();
    state_->entry = std::string(entry);
    if (unzLocateFile(state_->zip, state_->entry.c_str(), 2) != UNZ_OK) {
        return make_error(ErrorCode::parse_error, "{}: {}: missing from the archive", name_, entry);
    }
    unz_file_info64 info{};
    if (unzGetCurrentFileInfo64(state_->zip, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) {
        return entry_error("damaged zip entry");
    }
    if (info.uncompressed_size > max_bytes) {
        return make_error(ErrorCode::limit_exceeded,
                          "{}: {}: {} bytes uncompressed, over the limit of {} "
                          "(max_entry_uncompressed_bytes)",
                          name_, entry, info.uncompressed_size, max_bytes);
    }
    if ((info.flag & 1u) != 0) {
        return entry_error("encrypted zip entries are not supported");
    }
    if (info.compression_method != 0 && info.compression_method != Z_DEFLATED) {
        return entry_error("unsupported zip compression method " +
                           std::to_string(info.compression_method));
    }
    if (unzOpenCurrentFile(state_->zip) != UNZ_OK) {
        return entry_error("damaged zip entry");
    }
    state_->entry_open = true;
    state_->entry_read = 0;
    state_->entry_limit = max_bytes;
    return ok();
}

Expected<std::size_t> ZipArchive::read(char* dest, std::size_t size) {
    if (!state_->entry_open) {
        return std::size_t{0};
    }
    const auto want = static_cast<unsigned>(std::min<std::size_t>(size, 1u << 30));
    const int n = unzReadCurrentFile(state_->zip, dest, want);
    if (n < 0) {
        close_entry();
        return entry_error("damaged zip entry (cannot decompress)");
    }
    if (n == 0) {
        state_->entry_open = false;
        if (unzCloseCurrentFile(state_->zip) == UNZ_CRCERROR) {
            return entry_error("damaged zip entry (CRC mismatch)");
        }
        return std::size_t{0};
    }
    state_->entry_read += static_cast<std::uint64_t>(n);
    if (state_->entry_read > state_->entry_limit) {
        close_entry();
        return make_error(ErrorCode::limit_exceeded,
                          "{}: {}: more than {} bytes uncompressed (max_entry_uncompressed_bytes)",
                          name_, state_->entry, state_->entry_limit);
    }
    return static_cast<std::size_t>(n);
}

void ZipArchive::close_entry() {
    if (state_->entry_open) {
        unzCloseCurrentFile(state_->zip);
        state_->entry_open = false;
    }
}

}  // namespace cs::xlsx

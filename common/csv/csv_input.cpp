#include "common/csv/csv_input.hpp"

#include <cerrno>
#include <cstring>

namespace cs::csv {

Input::Input(std::string name, std::size_t chunk_bytes)
    : name_(std::move(name)), chunk_bytes_(chunk_bytes == 0 ? 1 : chunk_bytes) {}
Input::Input(Input&&) noexcept = default;
Input& Input::operator=(Input&&) noexcept = default;
Input::~Input() = default;

Expected<Input> Input::open_file(const std::filesystem::path& path, std::size_t chunk_bytes) {
    Input input(fs::to_utf8(path), chunk_bytes);
    auto file = fs::open_for_reading(path);
    if (!file) {
        return std::move(file).error();
    }
    input.file_ = std::move(*file);
    std::FILE* f = input.file_.get();
    // Reads are large; stdio's own buffer would only add a copy.
    std::setvbuf(f, nullptr, _IONBF, 0);
    return input;
}

Input Input::from_buffer(std::string_view bytes, std::string name, std::size_t chunk_bytes) {
    Input input(std::move(name), chunk_bytes);
    input.memory_ = bytes;
    return input;
}

Expected<std::size_t> Input::read_raw(char* dest, std::size_t size) {
    if (!file_) {
        const std::size_t n = std::min(size, memory_.size() - memory_pos_);
        if (n > 0) {  // an empty view may have a null data pointer
            std::memcpy(dest, memory_.data() + memory_pos_, n);
        }
        memory_pos_ += n;
        return n;
    }
    const std::size_t n = std::fread(dest, 1, size, file_.get());
    if (n < size && std::ferror(file_.get()) != 0) {
        return make_error(ErrorCode::io_error, "{}: read failed: {}", name_, std::strerror(errno));
    }
    return n;
}

char* Input::reserve_tail(std::size_t size) {
    if (buffer_.size() - length_ < size) {
        if (pos_ > 0) {
            std::memmove(buffer_.data(), buffer_.data() + pos_, length_ - pos_);
            length_ -= pos_;
            pos_ = 0;
        }
        if (buffer_.size() - length_ < size) {
            buffer_.resize(std::max(length_ + size, buffer_.size() * 2));
        }
    }
    return buffer_.data() + length_;
}

void Input::append(std::string_view bytes) {
    if (bytes.empty()) {
        return;
    }
    std::memcpy(reserve_tail(bytes.size()), bytes.data(), bytes.size());
    length_ += bytes.size();
}

Status Input::start() {
    char head[4];
    std::size_t got = 0;
    while (got < sizeof head) {
        auto n = read_raw(head + got, sizeof head - got);
        if (!n) {
            return std::move(n).error();
        }
        if (*n == 0) {
            break;
        }
        got += *n;
    }
    const std::string_view first(head, got);
    bom_ = text::detect_bom(first);
    if (bom_ == text::Bom::utf32_le || bom_ == text::Bom::utf32_be) {
        return make_error(ErrorCode::parse_error,
                          "{}: starts with a {} byte-order mark; UTF-32 files are not supported "
                          "(save as UTF-8)",
                          name_, text::to_string(bom_));
    }
    const std::string_view rest = first.substr(text::bom_size(bom_));
    if (bom_ == text::Bom::utf16_le || bom_ == text::Bom::utf16_be) {
        utf16_.emplace(bom_ == text::Bom::utf16_be);
        transcoded_.clear();
        utf16_->decode(rest, transcoded_);
        append(transcoded_);
    } else {
        append(rest);
    }
    if (got < sizeof head) {
        eof_ = true;
        if (utf16_) {
            transcoded_.clear();
            utf16_->finish(transcoded_);
            append(transcoded_);
        }
    }
    return ok();
}

Expected<bool> Input::fill() {
    if (eof_) {
        return false;
    }
    if (!utf16_) {
        char* tail = reserve_tail(chunk_bytes_);
        auto n = read_raw(tail, chunk_bytes_);
        if (!n) {
            return std::move(n).error();
        }
        length_ += *n;
        eof_ = *n == 0;
        return *n > 0;
    }
    raw_chunk_.resize(chunk_bytes_);
    auto n = read_raw(raw_chunk_.data(), chunk_bytes_);
    if (!n) {
        return std::move(n).error();
    }
    transcoded_.clear();
    if (*n == 0) {
        eof_ = true;
        utf16_->finish(transcoded_);
    } else {
        utf16_->decode({raw_chunk_.data(), *n}, transcoded_);
    }
    append(transcoded_);
    // An odd byte alone decodes to nothing yet; that is progress all the same.
    return !eof_ || !transcoded_.empty();
}

}  // namespace cs::csv

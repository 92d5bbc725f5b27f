#pragma once

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "common/fs/file.hpp"
#include "common/text/encoding.hpp"
#include "common/text/utf16.hpp"

namespace cs::csv {

// The bytes of a CSV source in a window that grows only as far as the longest
// record needs: read in chunks, BOM removed, UTF-16 transcoded to UTF-8.
class Input {
public:
    static Expected<Input> open_file(const std::filesystem::path& path, std::size_t chunk_bytes);
    // `bytes` must outlive the Input.
    static Input from_buffer(std::string_view bytes, std::string name, std::size_t chunk_bytes);

    Input(Input&&) noexcept;
    Input& operator=(Input&&) noexcept;
    ~Input();

    // Reads the first bytes and removes a BOM. UTF-32 is refused.
    Status start();
    text::Bom bom() const { return bom_; }
    const std::string& name() const { return name_; }

    // Unconsumed bytes start at pos(); offsets are into window().
    std::string_view window() const { return {buffer_.data(), length_}; }
    std::size_t pos() const { return pos_; }
    void consume_to(std::size_t offset) { pos_ = offset; }
    void consume_all() { pos_ = length_; }
    bool eof() const { return eof_; }

    // Appends another chunk after the unconsumed bytes (which may move to the
    // front of the window). False once the input is exhausted.
    Expected<bool> fill();

private:
    Input(std::string name, std::size_t chunk_bytes);
    Expected<std::size_t> read_raw(char* dest, std::size_t size);
    void append(std::string_view bytes);
    char* reserve_tail(std::size_t size);

    std::string name_;
    std::size_t chunk_bytes_;
    fs::File file_;
    std::string_view memory_;
    std::size_t memory_pos_ = 0;

    std::vector<char> buffer_;
    std::size_t length_ = 0;
    std::size_t pos_ = 0;
    bool eof_ = false;
    text::Bom bom_ = text::Bom::none;
    std::optional<text::Utf16Decoder> utf16_;
    std::vector<char> raw_chunk_;  // UTF-16 bytes before transcoding
    std::string transcoded_;
};

}  // namespace cs::csv

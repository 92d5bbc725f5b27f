#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "common/decimal/int128.hpp"

namespace cs::wire {

// Appends little-endian integers and LEB128 varints to a byte string.
class ByteWriter {
public:
    explicit ByteWriter(std::string& out) : out_(out) {}

    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u32le(std::uint32_t v);
    void varint(std::uint64_t v);
    void varint128(uint128 v);
    void zigzag(std::int64_t v) {
        varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }
    void zigzag128(int128 v) {
        varint128((static_cast<uint128>(v) << 1) ^ static_cast<uint128>(v >> 127));
    }
    void raw(std::string_view bytes) { out_.append(bytes); }
    void raw(const void* data, std::size_t size) {
        out_.append(static_cast<const char*>(data), size);
    }
    // Length-prefixed bytes.
    void bytes(std::string_view v) {
        varint(v.size());
        out_.append(v);
    }
    std::size_t size() const { return out_.size(); }

private:
    std::string& out_;
};

// Reads what ByteWriter wrote. Every read is bounds-checked; the first failure
// names what was being read and the byte offset.
class ByteReader {
public:
    explicit ByteReader(std::string_view in) : in_(in) {}

    Expected<std::uint8_t> u8(std::string_view what);
    Expected<std::uint32_t> u32le(std::string_view what);
    Expected<std::uint64_t> varint(std::string_view what);
    Expected<uint128> varint128(std::string_view what);
    Expected<std::int64_t> zigzag(std::string_view what);
    Expected<int128> zigzag128(std::string_view what);
    // Reads a length-prefixed byte string no longer than max_size.
    Expected<std::string_view> bytes(std::string_view what, std::size_t max_size);
    Expected<std::string_view> raw(std::string_view what, std::size_t size);

    std::size_t offset() const { return pos_; }
    std::size_t remaining() const { return in_.size() - pos_; }
    bool at_end() const { return pos_ == in_.size(); }

    Error truncated(std::string_view what) const;
    Error malformed(std::string_view what, std::string_view why) const;

private:
    std::string_view in_;
    std::size_t pos_ = 0;
};

}  // namespace cs::wire

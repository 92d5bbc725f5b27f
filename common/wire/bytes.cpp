#include "common/wire/bytes.hpp"

namespace cs::wire {

void ByteWriter::u32le(std::uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) {
        b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    out_.append(b, 4);
}

void ByteWriter::varint(std::uint64_t v) {
    while (v >= 0x80) {
        out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
}

void ByteWriter::varint128(uint128 v) {
    while (v >= 0x80) {
        out_.push_back(static_cast<char>((static_cast<unsigned>(v) & 0x7f) | 0x80));
        v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
}

Error ByteReader::truncated(std::string_view what) const {
    return make_error(ErrorCode::parse_error, "truncated at byte {} while reading {}", pos_, what);
}

Error ByteReader::malformed(std::string_view what, std::string_view why) const {
    return make_error(ErrorCode::parse_error, "malformed {} at byte {}: {}", what, pos_, why);
}

Expected<std::uint8_t> ByteReader::u8(std::string_view what) {
    if (pos_ >= in_.size()) {
        return truncated(what);
    }
    return static_cast<std::uint8_t>(in_[pos_++]);
}

Expected<std::uint32_t> ByteReader::u32le(std::string_view what) {
    if (remaining() < 4) {
        return truncated(what);
    }
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
        v |= static_cast<std::uint32_t>(
                 static_cast<std::uint8_t>(in_[pos_ + static_cast<std::size_t>(i)]))
             << (8 * i);
    }
    pos_ += 4;
    return v;
}

Expected<std::uint64_t> ByteReader::varint(std::string_view what) {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (pos_ >= in_.size()) {
            return truncated(what);
        }
        auto byte = static_cast<std::uint8_t>(in_[pos_++]);
        if (shift == 63 && byte > 1) {
            return malformed(what, "varint overflows 64 bits");
        }
        v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            return v;
        }
    }
    return malformed(what, "varint longer than 10 bytes");
}

Expected<uint128> ByteReader::varint128(std::string_view what) {
    uint128 v = 0;
    for (int shift = 0; shift < 128; shift += 7) {
        if (pos_ >= in_.size()) {
            return truncated(what);
        }
        auto byte = static_cast<std::uint8_t>(in_[pos_++]);
        if (shift == 126 && byte > 3) {
            return malformed(what, "varint overflows 128 bits");
        }
        v |= static_cast<uint128>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            return v;
        }
    }
    return malformed(what, "varint longer than 19 bytes");
}

Expected<std::int64_t> ByteReader::zigzag(std::string_view what) {
    auto v = varint(what);
    if (!v) {
        return std::move(v).error();
    }
    return static_cast<std::int64_t>((*v >> 1) ^ (~(*v & 1) + 1));
}

Expected<int128> ByteReader::zigzag128(std::string_view what) {
    auto v = varint128(what);
    if (!v) {
        return std::move(v).error();
    }
    return static_cast<int128>((*v >> 1) ^ (~(*v & 1) + 1));
}

Expected<std::string_view> ByteReader::raw(std::string_view what, std::size_t size) {
    if (remaining() < size) {
        return truncated(what);
    }
    auto out = in_.substr(pos_, size);
    pos_ += size;
    return out;
}

Expected<std::string_view> ByteReader::bytes(std::string_view what, std::size_t max_size) {
    auto size = varint(what);
    if (!size) {
        return std::move(size).error();
    }
    if (*size > max_size) {
        return make_error(ErrorCode::limit_exceeded,
                          "{} at byte {} is {} bytes, over the limit of {}", what, pos_, *size,
                          max_size);
    }
    return raw(what, static_cast<std::size_t>(*size));
}

}  // namespace cs::wire

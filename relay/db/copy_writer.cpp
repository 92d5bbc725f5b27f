#include "relay/db/copy_writer.hpp"

namespace cs::relay::db {

CopyWriter::CopyWriter(std::string& out) : out_(out) {
    static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with the NUL
    out_.append(kSignature, 11);
    be32(0);  // flags: no OIDs
    be32(0);  // header extension length
}

void CopyWriter::be32(std::uint32_t v) {
    char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                 static_cast<char>(v)};
    out_.append(b, 4);
}

void CopyWriter::begin_row(std::int16_t field_count) {
    auto v = static_cast<std::uint16_t>(field_count);
    out_.push_back(static_cast<char>(v >> 8));
    out_.push_back(static_cast<char>(v));
}

void CopyWriter::null() {
    be32(0xFFFFFFFFu);
}

void CopyWriter::int16(std::int16_t value) {
    be32(2);
    auto v = static_cast<std::uint16_t>(value);
    out_.push_back(static_cast<char>(v >> 8));
    out_.push_back(static_cast<char>(v));
}

void CopyWriter::int64(std::int64_t value) {
    be32(8);
    auto v = static_cast<std::uint64_t>(value);
    be32(static_cast<std::uint32_t>(v >> 32));
    be32(static_cast<std::uint32_t>(v));
}

void CopyWriter::bytes(std::string_view value) {
    be32(static_cast<std::uint32_t>(value.size()));
    out_.append(value);
}

std::size_t CopyWriter::begin_field() {
    auto slot = out_.size();
    be32(0);
    return slot;
}

void CopyWriter::end_field(std::size_t slot) {
    auto length = static_cast<std::uint32_t>(out_.size() - slot - 4);
    out_[slot] = static_cast<char>(length >> 24);
    out_[slot + 1] = static_cast<char>(length >> 16);
    out_[slot + 2] = static_cast<char>(length >> 8);
    out_[slot + 3] = static_cast<char>(length);
}

void CopyWriter::finish() {
    begin_row(-1);
}

}  // namespace cs::relay::db

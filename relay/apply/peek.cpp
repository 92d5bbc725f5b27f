// Reads only the stream id and sequence at the start of a change set body, for
// acknowledging a set that the full decoder refused.
#include <zstd.h>

#include "common/uuid/uuid.hpp"
#include "common/wire/bytes.hpp"
#include "relay/apply/prepare.hpp"

namespace cs::relay::apply {
namespace {

constexpr std::size_t kPrefixBytes = 1024;  // enough for a 256-byte id and a varint

std::uint32_t le32(std::string_view bytes, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3])) << 24;
}

// The first bytes of the (possibly compressed) payload, decompressing no more
// than needed so a hostile frame cannot make this expensive.
std::optional<std::string> body_prefix(std::string_view payload, bool compressed) {
    if (!compressed) {
        return std::string(payload.substr(0, kPrefixBytes));
    }
    ZSTD_DStream* stream = ZSTD_createDStream();
    if (stream == nullptr) {
        return std::nullopt;
    }
    std::string out(kPrefixBytes, '\0');
    ZSTD_inBuffer in{payload.data(), payload.size(), 0};
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    while (o.pos < o.size && in.pos < in.size) {
        auto rc = ZSTD_decompressStream(stream, &o, &in);
        if (ZSTD_isError(rc) || rc == 0) {
            break;
        }
    }
    ZSTD_freeDStream(stream);
    out.resize(o.pos);
    return out;
}

}  // namespace

std::optional<FrameIdentity> peek_identity(std::string_view frame, const wire::Limits& limits) {
    if (frame.size() < wire::kEnvelopeSize || frame.substr(0, 4) != "CSCS" ||
        static_cast<unsigned char>(frame[4]) != wire::kFormatVersion) {
        return std::nullopt;
    }
    auto flags = static_cast<unsigned char>(frame[5]);
    if ((flags & ~1u) != 0 || le32(frame, 10) != frame.size() - wire::kEnvelopeSize) {
        return std::nullopt;
    }
    auto prefix = body_prefix(frame.substr(wire::kEnvelopeSize), (flags & 1u) != 0);
    if (!prefix) {
        return std::nullopt;
    }
    wire::ByteReader r(*prefix);
    auto stream = r.bytes("stream id", limits.max_name_bytes);
    if (!stream) {
        return std::nullopt;
    }
    auto uuid = Uuid::parse(*stream);
    auto sequence = r.varint("sequence");
    if (!uuid || !sequence || *sequence == 0) {
        return std::nullopt;
    }
    return FrameIdentity{uuid->to_string(), *sequence};
}

}  // namespace cs::relay::apply

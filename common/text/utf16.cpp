#include "common/text/utf16.hpp"

#include "common/text/utf8.hpp"

namespace cs::text {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool is_high(char16_t u) {
    return u >= 0xD800 && u <= 0xDBFF;
}
bool is_low(char16_t u) {
    return u >= 0xDC00 && u <= 0xDFFF;
}

}  // namespace

void Utf16Decoder::unit(char16_t value, std::string& out) {
    if (high_surrogate_ != 0) {
        const char16_t high = high_surrogate_;
        high_surrogate_ = 0;
        if (is_low(value)) {
            const char32_t cp = 0x10000 + ((static_cast<char32_t>(high) - 0xD800) << 10) +
                                (static_cast<char32_t>(value) - 0xDC00);
            append_utf8(cp, out);
            return;
        }
        append_utf8(kReplacement, out);
    }
    if (is_high(value)) {
        high_surrogate_ = value;
    } else if (is_low(value)) {
        append_utf8(kReplacement, out);
    } else {
        append_utf8(value, out);
    }
}

void Utf16Decoder::decode(std::string_view bytes, std::string& out) {
    std::size_t i = 0;
    if (has_byte_ && !bytes.empty()) {
        const auto second = static_cast<unsigned char>(bytes[0]);
        has_byte_ = false;
        i = 1;
        unit(static_cast<char16_t>(big_endian_ ? (byte_ << 8) | second : (second << 8) | byte_),
             out);
    }
    for (; i + 1 < bytes.size(); i += 2) {
        const auto a = static_cast<unsigned char>(bytes[i]);
        const auto b = static_cast<unsigned char>(bytes[i + 1]);
        unit(static_cast<char16_t>(big_endian_ ? (a << 8) | b : (b << 8) | a), out);
    }
    if (i < bytes.size()) {
        has_byte_ = true;
        byte_ = static_cast<unsigned char>(bytes[i]);
    }
}

void Utf16Decoder::finish(std::string& out) {
    if (high_surrogate_ != 0 || has_byte_) {
        append_utf8(kReplacement, out);
    }
    high_surrogate_ = 0;
    has_byte_ = false;
}

}  // namespace cs::text

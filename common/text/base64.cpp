#include "common/text/base64.hpp"

#include <array>

namespace cs::text {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using DecodingTable = std::array<signed char, 256>;

constexpr DecodingTable decoding_table(const char (&alphabet)[65]) {
    DecodingTable t{};
    for (auto& v : t) {
        v = -1;
    }
    for (int i = 0; i < 64; ++i) {
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    }
    return t;
}

constexpr DecodingTable kStandardTable = decoding_table(kStandard);
constexpr DecodingTable kUrlTable = decoding_table(kUrl);

std::string encode(std::string_view in, const char (&alphabet)[65], bool pad) {
    std::string out;
    out.reserve(4 * ((in.size() + 2) / 3));
    auto byte = [&](std::size_t k) {
        return static_cast<unsigned>(static_cast<unsigned char>(in[k]));
    };
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63],
                alphabet[v & 63]};
    }
    if (i + 1 == in.size()) {
        unsigned v = byte(i) << 16;
        out += {alphabet[v >> 18], alphabet[(v >> 12) & 63]};
        if (pad) {
            out += "==";
        }
    } else if (i + 2 == in.size()) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
        out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63]};
        if (pad) {
            out += '=';
        }
    }
    return out;
}

// Decodes the characters of `text` (no padding); nullopt for a character
// outside the table or for leftover bits that are not zero (a non-canonical
// last character).
std::optional<std::string> decode(std::string_view text, const DecodingTable& table) {
    std::string out;
    out.reserve(3 * text.size() / 4 + 2);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        int v = table[static_cast<unsigned char>(c)];
        if (v < 0) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    if ((buffer & ((1u << bits) - 1)) != 0) {
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    return encode(bytes, kStandard, true);
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') {
        ++pad;
    }
    return decode(text.substr(0, text.size() - pad), kStandardTable);
}

std::string base64url_encode(std::string_view bytes) {
    return encode(bytes, kUrl, false);
}

bool is_base64url_char(char c) {
    return kUrlTable[static_cast<unsigned char>(c)] >= 0;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) {
        return std::nullopt;  // one character carries only six bits: never a whole byte
    }
    return decode(text, kUrlTable);
}

}  // namespace cs::text

#include "common/text/encoding.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace cs::text {
namespace {

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return out;
}

bool starts_with_bytes(std::string_view head, std::string_view bom) {
    return head.size() >= bom.size() && head.substr(0, bom.size()) == bom;
}

}  // namespace

Expected<Encoding> parse_encoding(std::string_view name) {
    const std::string key = lowered(name);
    if (key == "auto" || key == "auto_detect") {
        return Encoding::auto_detect;
    }
    if (key == "utf-8" || key == "utf8") {
        return Encoding::utf8;
    }
    constexpr std::array<std::string_view, 6> k1252 = {"windows-1252", "windows_1252", "cp1252",
                                                       "latin1",       "iso-8859-1",   "iso8859-1"};
    if (std::find(k1252.begin(), k1252.end(), key) != k1252.end()) {
        return Encoding::windows_1252;
    }
    return make_error(ErrorCode::invalid_argument,
                      "unknown encoding '{}' (expected auto, utf-8 or windows-1252)", name);
}

std::string_view to_string(Encoding encoding) {
    switch (encoding) {
        case Encoding::auto_detect:
            return "auto";
        case Encoding::utf8:
            return "utf-8";
        case Encoding::windows_1252:
            return "windows-1252";
    }
    return "?";
}

Bom detect_bom(std::string_view head) {
    // UTF-32 LE must be tested before UTF-16 LE: its mark starts with FF FE.
    if (starts_with_bytes(head, std::string_view("\xFF\xFE\0\0", 4))) {
        return Bom::utf32_le;
    }
    if (starts_with_bytes(head, std::string_view("\0\0\xFE\xFF", 4))) {
        return Bom::utf32_be;
    }
    if (starts_with_bytes(head, "\xEF\xBB\xBF")) {
        return Bom::utf8;
    }
    if (starts_with_bytes(head, "\xFF\xFE")) {
        return Bom::utf16_le;
    }
    if (starts_with_bytes(head, "\xFE\xFF")) {
        return Bom::utf16_be;
    }
    return Bom::none;
}

std::size_t bom_size(Bom bom) {
    switch (bom) {
        case Bom::none:
            return 0;
        case Bom::utf8:
            return 3;
        case Bom::utf16_le:
        case Bom::utf16_be:
            return 2;
        case Bom::utf32_le:
        case Bom::utf32_be:
            return 4;
    }
    return 0;
}

std::string_view to_string(Bom bom) {
    switch (bom) {
        case Bom::none:
            return "none";
        case Bom::utf8:
            return "UTF-8";
        case Bom::utf16_le:
            return "UTF-16LE";
        case Bom::utf16_be:
            return "UTF-16BE";
        case Bom::utf32_le:
            return "UTF-32LE";
        case Bom::utf32_be:
            return "UTF-32BE";
    }
    return "?";
}

}  // namespace cs::text

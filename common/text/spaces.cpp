#include "common/text/spaces.hpp"

namespace cs::text {

std::size_t odd_space_length(std::string_view text) {
    if (text.size() < 2) {
        return 0;
    }
    auto b0 = static_cast<unsigned char>(text[0]);
    auto b1 = static_cast<unsigned char>(text[1]);
    if (b0 == 0xC2 && b1 == 0xA0) {
        return 2;  // U+00A0 no-break space
    }
    if (text.size() < 3) {
        return 0;
    }
    auto b2 = static_cast<unsigned char>(text[2]);
    if (b0 == 0xE2 && b1 == 0x80 && (b2 <= 0x8A || b2 == 0xAF)) {
        return 3;  // U+2000..U+200A en/em/thin/hair spaces, U+202F narrow no-break space
    }
    if (b0 == 0xE2 && b1 == 0x81 && b2 == 0x9F) {
        return 3;  // U+205F medium mathematical space
    }
    if ((b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) || (b0 == 0xE1 && b1 == 0x9A && b2 == 0x80)) {
        return 3;  // U+3000 ideographic space, U+1680 ogham space mark
    }
    return 0;
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty()) {
        if (is_ascii_space(text.front())) {
            text.remove_prefix(1);
        } else if (std::size_t n = odd_space_length(text); n > 0) {
            text.remove_prefix(n);
        } else {
            break;
        }
    }
    while (!text.empty()) {
        if (is_ascii_space(text.back())) {
            text.remove_suffix(1);
            continue;
        }
        // Odd spaces are 2 or 3 bytes long; look back for their start.
        if (text.size() >= 2 && odd_space_length(text.substr(text.size() - 2)) == 2) {
            text.remove_suffix(2);
        } else if (text.size() >= 3 && odd_space_length(text.substr(text.size() - 3)) == 3) {
            text.remove_suffix(3);
        } else {
            break;
        }
    }
    return text;
}

}  // namespace cs::text

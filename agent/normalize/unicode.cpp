#include "agent/normalize/unicode.hpp"

namespace cs::agent::normalize {
namespace {

// Every mapping below stays within U+0080..U+07FF, i.e. two bytes in UTF-8,
// which is what keeps case changes in place.
char32_t upper_of(char32_t c) {
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7) {
        return c - 0x20;  // Latin-1 à..þ
    }
    if (c == 0xFF) {
        return 0x178;  // ÿ -> Ÿ
    }
    if (c >= 0x100 && c <= 0x17F) {
        // Latin Extended-A alternates upper/lower; the parity flips in two runs.
        bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        bool even_upper =
            (c >= 0x100 && c <= 0x137 && c != 0x130 && c != 0x131) || (c >= 0x14A && c <= 0x177);
        if (even_upper && (c & 1U) == 1U) {
            return c - 1;
        }
        if (odd_upper && (c & 1U) == 0U) {
            return c - 1;
        }
        return c;
    }
    if (c >= 0x3B1 && c <= 0x3C9) {
        return c == 0x3C2 ? 0x3A3 : c - 0x20;  // Greek α..ω, final sigma -> Σ
    }
    if (c >= 0x430 && c <= 0x44F) {
        return c - 0x20;  // Cyrillic а..я
    }
    if (c >= 0x450 && c <= 0x45F) {
        return c - 0x50;  // Cyrillic ѐ..џ
    }
    return c;
}

char32_t lower_of(char32_t c) {
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) {
        return c + 0x20;
    }
    if (c == 0x178) {
        return 0xFF;
    }
    if (c >= 0x100 && c <= 0x17F) {
        bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        bool even_upper =
            (c >= 0x100 && c <= 0x137 && c != 0x130 && c != 0x131) || (c >= 0x14A && c <= 0x177);
        if (even_upper && (c & 1U) == 0U) {
            return c + 1;
        }
        if (odd_upper && (c & 1U) == 1U) {
            return c + 1;
        }
        return c;
    }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) {
        return c + 0x20;
    }
    if (c >= 0x410 && c <= 0x42F) {
        return c + 0x20;
    }
    if (c >= 0x400 && c <= 0x40F) {
        return c + 0x50;
    }
    return c;
}

template <typename Map>
void map_case(std::string_view in, char* out, Map map, char ascii_from, char ascii_to, int delta) {
    std::size_t i = 0;
    while (i < in.size()) {
        auto b = static_cast<unsigned char>(in[i]);
        if (b < 0x80) {
            char c = in[i];
            out[i] = (c >= ascii_from && c <= ascii_to) ? static_cast<char>(c + delta) : c;
            ++i;
            continue;
        }
        std::size_t len = sequence_length(b);
        if (len == 2 && i + 1 < in.size() &&
            (static_cast<unsigned char>(in[i + 1]) & 0xC0U) == 0x80U) {
            char32_t cp = (static_cast<char32_t>(b & 0x1FU) << 6) |
                          (static_cast<unsigned char>(in[i + 1]) & 0x3FU);
            char32_t mapped = map(cp);
            out[i] = static_cast<char>(0xC0U | (mapped >> 6));
            out[i + 1] = static_cast<char>(0x80U | (mapped & 0x3FU));
            i += 2;
            continue;
        }
        for (std::size_t k = 0; k < len && i < in.size(); ++k, ++i) {
            out[i] = in[i];
        }
    }
}

}  // namespace

std::size_t count_code_points(std::string_view text) {
    std::size_t n = 0;
    for (char c : text) {
        n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
    }
    return n;
}

std::size_t prefix_bytes(std::string_view text, std::size_t code_points) {
    std::size_t i = 0;
    for (std::size_t n = 0; n < code_points && i < text.size(); ++n) {
        i += sequence_length(static_cast<unsigned char>(text[i]));
    }
    return i < text.size() ? i : text.size();
}

void upper_into(std::string_view in, char* out) {
    map_case(in, out, upper_of, 'a', 'z', 'A' - 'a');
}

void lower_into(std::string_view in, char* out) {
    map_case(in, out, lower_of, 'A', 'Z', 'a' - 'A');
}

std::string folded(std::string_view text) {
    std::string out(text.size(), '\0');
    lower_into(text, out.data());
    return out;
}

}  // namespace cs::agent::normalize

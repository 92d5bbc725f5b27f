#include "agent/normalize/text_clean.hpp"

#include <cstdint>
#include <cstring>

#include "agent/normalize/unicode.hpp"

namespace cs::agent::normalize {
namespace {

// True when `text` holds something only the slow path can handle: control
// characters, non-ASCII bytes (odd spaces, C1 controls), or double spaces to collapse.
bool needs_rewrite(std::string_view text, bool collapse) {
    if (!collapse) {
        // Eight bytes at a time: any byte below 0x20, 0x7F, or with the high bit set?
        constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
        constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
        std::size_t i = 0;
        for (; i + 8 <= text.size(); i += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, text.data() + i, 8);
            std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
            std::uint64_t x = w ^ (kOnes * 0x7F);
            std::uint64_t del = (x - kOnes) & ~x & kHigh;
            if (((w & kHigh) | below_space | del) != 0) {
                return true;
            }
        }
        text.remove_prefix(i);
    }
    char previous = 'x';
    for (char c : text) {
        auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b >= 0x7F) {
            return true;
        }
        if (collapse && c == ' ' && previous == ' ') {
            return true;
        }
        previous = c;
    }
    return false;
}

// Zero-width characters that only ever get into data by accident (a BOM pasted
// into a cell, a zero-width space from a web page).
std::size_t invisible_length(std::string_view text) {
    if (text.size() >= 3) {
        auto b0 = static_cast<unsigned char>(text[0]);
        auto b1 = static_cast<unsigned char>(text[1]);
        auto b2 = static_cast<unsigned char>(text[2]);
        if ((b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) || (b0 == 0xE2 && b1 == 0x80 && b2 == 0x8B)) {
            return 3;  // U+FEFF, U+200B
        }
    }
    return 0;
}

void append_space(std::string& out, bool collapse) {
    if (collapse && !out.empty() && out.back() == ' ') {
        return;
    }
    out.push_back(' ');
}

}  // namespace

std::string_view clean_text(std::string_view text, const StringOptions& options,
                            std::string& scratch) {
    if (!needs_rewrite(text, options.collapse_spaces)) {
        if (!options.trim) {
            return text;
        }
        while (!text.empty() && text.front() == ' ') {
            text.remove_prefix(1);
        }
        while (!text.empty() && text.back() == ' ') {
            text.remove_suffix(1);
        }
        return text;
    }
    scratch.clear();
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        auto b = static_cast<unsigned char>(c);
        if (c == '\r') {
            if (options.unify_newlines) {
                // CRLF -> LF, lone CR (old Mac files) -> LF.
                scratch.push_back('\n');
                i += (i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
            } else {
                scratch.push_back(c);
                ++i;
            }
            continue;
        }
        if (c == '\n') {
            scratch.push_back(c);
            ++i;
            continue;
        }
        if (c == ' ' || c == '\t') {
            if (options.collapse_spaces) {
                append_space(scratch, true);
            } else {
                scratch.push_back(c);
            }
            ++i;
            continue;
        }
        if (b < 0x20 || b == 0x7F) {
            if (!options.strip_control) {
                scratch.push_back(c);
            }
            ++i;
            continue;
        }
        if (b < 0x80) {
            scratch.push_back(c);
            ++i;
            continue;
        }
        std::string_view rest = text.substr(i);
        if (b == 0xC2 && rest.size() >= 2 && static_cast<unsigned char>(rest[1]) >= 0x80 &&
            static_cast<unsigned char>(rest[1]) < 0xA0) {
            // C1 control characters U+0080..U+009F.
            if (!options.strip_control) {
                scratch.append(rest.substr(0, 2));
            }
            i += 2;
            continue;
        }
        if (std::size_t n = invisible_length(rest); n > 0) {
            if (!options.strip_control) {
                scratch.append(rest.substr(0, n));
            }
            i += n;
            continue;
        }
        if (std::size_t n = odd_space_length(rest); n > 0 && options.trim) {
            append_space(scratch, options.collapse_spaces);
            i += n;
            continue;
        }
        std::size_t n = sequence_length(b);
        scratch.append(rest.substr(0, n));
        i += n;
    }
    std::string_view out = scratch;
    return options.trim ? trim_spaces(out) : out;
}

}  // namespace cs::agent::normalize

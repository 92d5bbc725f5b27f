#include "common/text/json_string.hpp"

#include "common/text/hex.hpp"
#include "common/text/utf8.hpp"

namespace cs::text {
namespace {

constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

bool copies_as_is(unsigned char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    std::size_t run = 0;  // start of the bytes not yet appended
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        if (copies_as_is(c)) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            std::size_t length = utf8_sequence_length(text.substr(i));
            if (length != 0) {
                i += length;
                continue;
            }
        }
        out.append(text.data() + run, i - run);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c >= 0x80) {
                    out += kReplacement;
                } else {
                    out += "\\u00";
                    append_hex(out, c);
                }
        }
        run = ++i;
    }
    out.append(text.data() + run, text.size() - run);
    out.push_back('"');
}

}  // namespace cs::text

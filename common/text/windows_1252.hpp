#pragma once

#include <string>
#include <string_view>

namespace cs::text {

// The Unicode character for a Windows-1252 byte. 0x80-0x9F map to the
// typographic characters Windows puts there (0x80 is U+20AC EURO SIGN); the five
// bytes Windows leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1
// control of the same value, as the WHATWG Encoding Standard does, so no byte is lost.
char32_t windows_1252_code_point(unsigned char byte);

void append_windows_1252_as_utf8(std::string_view bytes, std::string& out);

}  // namespace cs::text

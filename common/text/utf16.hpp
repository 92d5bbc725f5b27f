#pragma once

#include <string>
#include <string_view>

namespace cs::text {

// Streaming UTF-16 to UTF-8, for files that start with a UTF-16 BOM (Excel's
// "Unicode Text" export). Input may be cut anywhere between calls. Unpaired
// surrogates and a dangling odd byte become U+FFFD.
class Utf16Decoder {
public:
    explicit Utf16Decoder(bool big_endian) : big_endian_(big_endian) {}

    void decode(std::string_view bytes, std::string& out);
    // Ends the input, flushing whatever half unit or surrogate is still pending.
    void finish(std::string& out);

private:
    void unit(char16_t value, std::string& out);

    bool big_endian_;
    bool has_byte_ = false;
    unsigned char byte_ = 0;
    char16_t high_surrogate_ = 0;
};

}  // namespace cs::text

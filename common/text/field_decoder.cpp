#include "common/text/field_decoder.hpp"

#include "common/text/utf8.hpp"
#include "common/text/windows_1252.hpp"

namespace cs::text {

Expected<std::string_view> FieldDecoder::decode(std::string_view bytes,
                                                std::string& scratch) const {
    if (is_ascii(bytes)) {
        return bytes;
    }
    switch (encoding_) {
        case Encoding::windows_1252:
            break;
        case Encoding::auto_detect:
            if (is_valid_utf8(bytes)) {
                return bytes;
            }
            break;
        case Encoding::utf8:
            if (is_valid_utf8(bytes)) {
                return bytes;
            }
            return make_error(ErrorCode::parse_error,
                              "invalid UTF-8 at byte {} (byte 0x{:02X}); the encoding is set to "
                              "utf-8",
                              first_invalid_utf8(bytes) + 1,
                              static_cast<unsigned char>(bytes[first_invalid_utf8(bytes)]));
    }
    scratch.clear();
    append_windows_1252_as_utf8(bytes, scratch);
    return std::string_view(scratch);
}

}  // namespace cs::text

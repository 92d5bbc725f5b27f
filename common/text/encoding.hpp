#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::text {

// How a reader turns a source's bytes into UTF-8 (docs/file-formats.md).
enum class Encoding : std::uint8_t {
    auto_detect,   // a BOM wins; else each field stays if valid UTF-8, else is Windows-1252
    utf8,          // bytes that are not UTF-8 reject the row
    windows_1252,  // every byte is a Windows-1252 character
};

// Accepts "auto", "utf-8"/"utf8", "windows-1252"/"cp1252", and the labels that
// browsers also treat as Windows-1252 ("latin1", "iso-8859-1"), case-insensitively.
Expected<Encoding> parse_encoding(std::string_view name);
std::string_view to_string(Encoding encoding);

// A byte-order mark at the start of a file.
enum class Bom : std::uint8_t { none, utf8, utf16_le, utf16_be, utf32_le, utf32_be };

// Recognises the BOM that `head` (the first bytes of a file, 4 are enough) starts with.
Bom detect_bom(std::string_view head);
std::size_t bom_size(Bom bom);
std::string_view to_string(Bom bom);

}  // namespace cs::text

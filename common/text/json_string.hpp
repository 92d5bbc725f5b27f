#pragma once

#include <string>
#include <string_view>

namespace cs::text {

// Appends `text` as a JSON string literal (RFC 8259) that is always valid JSON
// and valid UTF-8: '"' and '\' escaped, \n \r \t by name, every other control
// character and DEL as \u00XX, and each byte that does not start a valid UTF-8
// sequence replaced by U+FFFD. Valid text is copied in runs, so the common case
// (printable ASCII and well-formed UTF-8) costs one append per run.
void append_json_string(std::string& out, std::string_view text);

}  // namespace cs::text

#pragma once

#include <string>
#include <string_view>

namespace cs::text {

// UTF-8 <-> UTF-16 for the Windows API's wide-character functions (Windows
// builds only: wchar_t is UTF-16 there). Invalid input becomes U+FFFD.
std::wstring widen(std::string_view text);
std::string narrow(std::wstring_view text);

}  // namespace cs::text

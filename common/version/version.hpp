#pragma once

#include <string_view>

namespace cs {

// The build's version, e.g. "0.1.0+g1a2b3c4d5e".
std::string_view version();

}  // namespace cs

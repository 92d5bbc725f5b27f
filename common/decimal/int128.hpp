#pragma once

namespace cs {

// 128-bit integers for exact decimals. GCC and Clang (including clang-cl and
// mingw-w64) provide them natively; __extension__ keeps -Wpedantic quiet.
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

}  // namespace cs

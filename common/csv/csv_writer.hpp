#pragma once

#include <string>
#include <string_view>

// Writing CSV (RFC 4180) for the relay's exports: the one definition of how a
// value becomes a cell.
namespace cs::csv {

// Appends `value` as one cell: quoted when it holds a comma, quote, CR or LF
// (quotes doubled). A text that a spreadsheet would run as a formula (starting
// with = + - @, tab or CR, and not a plain number such as -12.50) gets a
// leading apostrophe, so opening an export never executes its contents.
void append_cell(std::string& out, std::string_view value);

// The cell as its own string.
std::string cell(std::string_view value);

}  // namespace cs::csv

#pragma once

// JSON from PostgreSQL with its numbers exactly as stored. PostgreSQL writes
// a numeric as its digits (`12.50`, 38 nines, `1234567890123456789.1234`);
// nlohmann::json would turn each into a double (`12.5`, `1e+38`, rounded).
// parse_exact() keeps every number that is not an integer within 64 bits as
// its text, in a binary value of subtype kExactNumberSubtype (JSON text never
// yields a binary value, so nothing else looks like one), and dump_exact()
// writes that text back unchanged. Prices go through the API byte for byte.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"

namespace cs::relay::db {

inline constexpr std::uint8_t kExactNumberSubtype = 0x6e;  // 'n'
// Deeper documents are refused (records are nested a few levels at most).
inline constexpr std::size_t kMaxExactJsonDepth = 128;

// A number kept as its text; `text` must be a JSON number.
nlohmann::json exact_number(std::string_view text);
// The text of an exact number, or nullptr when `value` is not one.
const std::vector<std::uint8_t>* exact_number_text(const nlohmann::json& value);

// Parses `text`; `what` names it in the error.
Expected<nlohmann::json> parse_exact(std::string_view text, std::string_view what);

// Like dump() (compact, invalid UTF-8 replaced) with exact numbers as their text.
std::string dump_exact(const nlohmann::json& value);

}  // namespace cs::relay::db

#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

// ISO 8601 text of dates and UTC timestamps, written into caller buffers so hot
// paths (the relay's COPY rows, the agent's row identities) allocate nothing.
namespace cs::calendar {

inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;
inline constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// "YYYY-MM-DD"
inline constexpr std::size_t kIsoDateSize = 10;
// "YYYY-MM-DDTHH:MM:SS.ffffffZ"
inline constexpr std::size_t kIsoTimestampMaxSize = 27;

// Writes exactly kIsoDateSize characters for `days` since 1970-01-01. Years are
// four digits: dates ContractSync parses are within 0001..9999; a year outside
// 0..9999 is written as its last four digits.
void write_iso_date(char* out, std::int64_t days);

// Writes "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (the fraction only when non-zero) for
// microseconds since the epoch and returns the number of characters written
// (20 or 27).
std::size_t write_iso_timestamp(char* out, std::int64_t micros);

// Reads exactly `count` decimal digits at `pos` into `out` and advances `pos`;
// false (nothing consumed) when they are not all there.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out);

// Consumes `c` at `pos`; false when the text has something else there.
bool read_char(std::string_view text, std::size_t& pos, char c);

}  // namespace cs::calendar

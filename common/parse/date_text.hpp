#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

// Reading the pieces of dates and times out of text: the building blocks of
// DateFormat and the ISO 8601 reader. No allocation, no locale.
namespace cs::parse {

// A calendar date and optional wall-clock time read from text, before any time
// zone is applied.
struct DateTimeParts {
    std::int32_t days = 0;  // since 1970-01-01
    std::int64_t micros_of_day = 0;
    bool has_time = false;
    bool has_offset = false;          // the text named its own UTC offset (or Z)
    std::int32_t offset_seconds = 0;  // east of UTC
};

// ISO 8601 as sources write it: YYYY-MM-DD, optionally followed by 'T' or ' ',
// HH:MM[:SS[.fraction]] and Z or an offset (+HH:MM, +HHMM, +HH).
bool parse_iso8601(std::string_view text, DateTimeParts& out);

char ascii_lower(char c);
bool starts_with_ignore_case(std::string_view text, std::string_view lower_word);
// Reads between min and max digits at `pos` (greedy), advancing it. Never reads
// past max, so fixed widths such as YYYYMMDD split correctly. Inline: every
// date runs it several times.
inline bool read_number(std::string_view text, std::size_t& pos, int min, int max, int& out) {
    int value = 0;
    int n = 0;
    while (n < max && pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        value = value * 10 + (text[pos] - '0');
        ++pos;
        ++n;
    }
    out = value;
    return n >= min;
}
// An English month name or abbreviation, case-insensitive; month is 1-12.
bool read_month_name(std::string_view text, std::size_t& pos, int& month);
// Z, +HH:MM, +HHMM or +HH, as seconds east of UTC.
bool read_offset(std::string_view text, std::size_t& pos, std::int32_t& seconds);
// 1-9 fraction digits as microseconds (digits beyond the sixth are dropped).
std::int64_t fraction_micros(std::string_view digits);
// Checks the ranges and the calendar, then fills `out`; false for 2025-02-29, 24:00 and the like.
bool make_parts(int year, int month, int day, int hour, int minute, int second, std::int64_t micros,
                bool has_time, DateTimeParts& out);

}  // namespace cs::parse

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "common/parse/date_text.hpp"

namespace cs::parse {

// One date pattern of the small format language in docs/normalization.md
// (YYYY YY M MM MMM MMMM D DD H HH h hh m mm s ss f.. A Z, literals, 'quoted').
// Compiled once at configuration time; matching allocates nothing.
class DateFormat {
public:
    // The pattern "ISO8601" selects parse_iso8601.
    static Expected<DateFormat> compile(std::string_view pattern);

    // True when the whole of `text` matches and is a real date and time.
    bool match(std::string_view text, DateTimeParts& out) const;

    const std::string& pattern() const { return pattern_; }

private:
    enum class Kind : std::uint8_t {
        literal,
        space,
        year4,
        year2,
        month,
        month_name,
        day,
        hour24,
        hour12,
        minute,
        second,
        fraction,
        ampm,
        offset,
    };
    struct Element {
        Kind kind = Kind::literal;
        std::uint8_t min_digits = 0;  // for space: 0 when the spaces are optional
        std::uint8_t max_digits = 0;
        char literal = 0;
    };

    std::string pattern_;
    std::vector<Element> elements_;
    bool iso_ = false;
};

}  // namespace cs::parse

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace date {
class time_zone;
}

namespace cs::agent::odata {

// Reads the source's modification times as instants. Naive datetimes (P21's
// usual "2025-01-01T10:00:00") are wall time in the server's zone; ones with an
// offset or Z are taken as they say. One per thread.
class InstantReader {
public:
    explicit InstantReader(const date::time_zone* zone);  // nullptr: UTC
    // Microseconds since the epoch, or nullopt for text that is no datetime.
    std::optional<std::int64_t> micros(std::string_view text);

private:
    const date::time_zone* zone_;
    std::int64_t last_offset_s_ = 0;
};

// "2025-01-01T16:00:00.000000Z": how watermarks are stored in state.db.
std::string format_utc(std::int64_t micros);
Expected<std::int64_t> parse_watermark(std::string_view text);

// The datetime literal for a $filter that means `micros` on the server:
// "...Z" for a UTC server, else the server's local wall time without offset
// (what P21 compares against). Millisecond precision, rounded down.
std::string filter_literal(std::int64_t micros, const date::time_zone* zone);

}  // namespace cs::agent::odata

#include "agent/source/odata/watermark.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include "common/parse/date_text.hpp"

namespace cs::agent::odata {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::int64_t offset_at(const date::time_zone* zone, std::int64_t utc_seconds) {
    if (zone == nullptr) {
        return 0;
    }
    auto info = zone->get_info(date::sys_seconds(std::chrono::seconds(utc_seconds)));
    return info.offset.count();
}

// Wall-clock micros since the epoch -> "YYYY-MM-DDTHH:MM:SS.mmm".
std::string format_wall(std::int64_t micros, int fraction_digits) {
    std::int64_t days = floor_div(micros, kSecondsPerDay * kMicrosPerSecond);
    std::int64_t of_day = micros - days * kSecondsPerDay * kMicrosPerSecond;
    date::year_month_day ymd{date::sys_days(date::days(days))};
    std::int64_t seconds = of_day / kMicrosPerSecond;
    std::int64_t fraction = of_day % kMicrosPerSecond;
    std::string text =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(ymd.year()), unsigned(ymd.month()),
                    unsigned(ymd.day()), seconds / 3600, seconds / 60 % 60, seconds % 60);
    if (fraction_digits == 3) {
        text += fmt::format(".{:03}", fraction / 1000);
    } else if (fraction_digits == 6) {
        text += fmt::format(".{:06}", fraction);
    }
    return text;
}

}  // namespace

InstantReader::InstantReader(const date::time_zone* zone) : zone_(zone) {}

std::optional<std::int64_t> InstantReader::micros(std::string_view text) {
    parse::DateTimeParts parts;
    if (!parse::parse_iso8601(text, parts)) {
        return std::nullopt;
    }
    std::int64_t local_s = std::int64_t{parts.days} * kSecondsPerDay;
    std::int64_t local = local_s * kMicrosPerSecond + parts.micros_of_day;
    if (parts.has_offset) {
        return local - std::int64_t{parts.offset_seconds} * kMicrosPerSecond;
    }
    if (zone_ == nullptr) {
        return local;
    }
    // Local -> UTC: try the last offset, then the one at that guess (handles DST).
    std::int64_t wall_s = floor_div(local, kMicrosPerSecond);
    std::int64_t guess = wall_s - last_offset_s_;
    std::int64_t offset = offset_at(zone_, guess);
    if (offset != last_offset_s_) {
        offset = offset_at(zone_, wall_s - offset);
        last_offset_s_ = offset;
    }
    return local - offset * kMicrosPerSecond;
}

std::string format_utc(std::int64_t micros) {
    return format_wall(micros, 6) + "Z";
}

Expected<std::int64_t> parse_watermark(std::string_view text) {
    InstantReader reader(nullptr);
    auto value = reader.micros(text);
    if (!value) {
        return make_error(ErrorCode::parse_error, "stored watermark '{}' is not a datetime", text);
    }
    return *value;
}

std::string filter_literal(std::int64_t micros, const date::time_zone* zone) {
    if (zone == nullptr) {
        return format_wall(micros, 3) + "Z";
    }
    std::int64_t offset = offset_at(zone, floor_div(micros, kMicrosPerSecond));
    return format_wall(micros + offset * kMicrosPerSecond, 3);
}

}  // namespace cs::agent::odata

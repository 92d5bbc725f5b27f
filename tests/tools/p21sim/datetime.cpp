#include "tests/tools/p21sim/datetime.hpp"

#include <chrono>
#include <exception>

#include <date/tz.h>

#include "common/calendar/iso.hpp"

namespace cs::p21sim {

namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t kMsPerDay = 86'400'000;

// The last offset looked up, per thread: consecutive rows mostly fall in the same
// DST period, so most conversions skip the zone's transition search.
struct OffsetCache {
    const date::time_zone* zone = nullptr;
    std::int64_t begin_ms = 0;
    std::int64_t end_ms = 0;
    int offset = 0;
};
thread_local OffsetCache offset_cache;

void append_digits(std::string& out, unsigned value, int width) {
    char buf[8];
    for (int i = width - 1; i >= 0; --i) {
        buf[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(buf, static_cast<std::size_t>(width));
}

using calendar::read_char;
using calendar::read_digits;

Error bad_literal(std::string_view text, std::string_view reason) {
    return make_error(ErrorCode::parse_error, "'{}' is not a valid date/time literal: {}", text,
                      reason);
}

}  // namespace

Expected<DateTimeStyle> parse_datetime_style(std::string_view name) {
    if (name == "naive") {
        return DateTimeStyle::naive;
    }
    if (name == "offset") {
        return DateTimeStyle::offset;
    }
    if (name == "utc") {
        return DateTimeStyle::utc;
    }
    return make_error(ErrorCode::invalid_argument,
                      "datetime style '{}' is not one of naive, offset, utc", name);
}

std::string_view to_string(DateTimeStyle style) {
    switch (style) {
        case DateTimeStyle::naive:
            return "naive";
        case DateTimeStyle::offset:
            return "offset";
        case DateTimeStyle::utc:
            return "utc";
    }
    return "naive";
}

Expected<TimeZone> TimeZone::locate(std::string_view name) {
    try {
        const date::time_zone* zone = date::locate_zone(name);
        return TimeZone(zone, std::string(name));
    } catch (const std::exception& e) {
        return make_error(ErrorCode::invalid_argument, "time zone '{}': {}", name, e.what());
    }
}

int TimeZone::offset_seconds(std::int64_t utc_ms) const {
    OffsetCache& cache = offset_cache;
    if (cache.zone == zone_ && utc_ms >= cache.begin_ms && utc_ms < cache.end_ms) {
        return cache.offset;
    }
    auto tp = std::chrono::floor<seconds>(date::sys_time<milliseconds>(milliseconds(utc_ms)));
    date::sys_info info = zone_->get_info(tp);
    cache.zone = zone_;
    cache.begin_ms =
        std::chrono::duration_cast<milliseconds>(info.begin.time_since_epoch()).count();
    cache.end_ms = std::chrono::duration_cast<milliseconds>(info.end.time_since_epoch()).count();
    cache.offset = static_cast<int>(info.offset.count());
    return cache.offset;
}

std::int64_t TimeZone::local_to_utc(std::int64_t local_ms) const {
    auto local = date::local_time<milliseconds>(milliseconds(local_ms));
    date::local_info info = zone_->get_info(std::chrono::floor<seconds>(local));
    // `first` is the earlier period: for an ambiguous time that is the earlier
    // instant; for a time inside a DST gap, the offset in force before the gap
    // lands the instant after the transition.
    std::int64_t offset_ms = static_cast<std::int64_t>(info.first.offset.count()) * 1000;
    return local_ms - offset_ms;
}

void append_datetime(std::string& out, std::int64_t utc_ms, const TimeZone& zone,
                     DateTimeStyle style) {
    int offset = style == DateTimeStyle::utc ? 0 : zone.offset_seconds(utc_ms);
    std::int64_t local_ms = utc_ms + static_cast<std::int64_t>(offset) * 1000;
    std::int64_t day =
        local_ms >= 0 ? local_ms / kMsPerDay : (local_ms - kMsPerDay + 1) / kMsPerDay;
    auto ms_of_day = static_cast<unsigned>(local_ms - day * kMsPerDay);
    std::chrono::year_month_day ymd{std::chrono::sys_days{days(day)}};
    append_digits(out, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
    out.push_back('-');
    append_digits(out, static_cast<unsigned>(ymd.month()), 2);
    out.push_back('-');
    append_digits(out, static_cast<unsigned>(ymd.day()), 2);
    out.push_back('T');
    append_digits(out, ms_of_day / 3'600'000, 2);
    out.push_back(':');
    append_digits(out, ms_of_day / 60'000 % 60, 2);
    out.push_back(':');
    append_digits(out, ms_of_day / 1000 % 60, 2);
    if (ms_of_day % 1000 != 0) {
        out.push_back('.');
        append_digits(out, ms_of_day % 1000, 3);
    }
    if (style == DateTimeStyle::utc) {
        out.push_back('Z');
    } else if (style == DateTimeStyle::offset) {
        out.push_back(offset < 0 ? '-' : '+');
        auto magnitude = static_cast<unsigned>(offset < 0 ? -offset : offset);
        append_digits(out, magnitude / 3600, 2);
        out.push_back(':');
        append_digits(out, magnitude / 60 % 60, 2);
    }
}

std::string format_datetime(std::int64_t utc_ms, const TimeZone& zone, DateTimeStyle style) {
    std::string out;
    append_datetime(out, utc_ms, zone, style);
    return out;
}

bool looks_like_date(std::string_view text) {
    if (text.size() < 10) {
        return false;
    }
    for (std::size_t i = 0; i < 10; ++i) {
        bool digit = text[i] >= '0' && text[i] <= '9';
        if ((i == 4 || i == 7) ? text[i] != '-' : !digit) {
            return false;
        }
    }
    return true;
}

Expected<std::int64_t> parse_datetime(std::string_view text, const TimeZone& zone) {
    std::size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_digits(text, pos, 4, year) || !read_char(text, pos, '-') ||
        !read_digits(text, pos, 2, month) || !read_char(text, pos, '-') ||
        !read_digits(text, pos, 2, day)) {
        return bad_literal(text, "expected YYYY-MM-DD");
    }
    std::chrono::year_month_day ymd{std::chrono::year(year),
                                    std::chrono::month(static_cast<unsigned>(month)),
                                    std::chrono::day(static_cast<unsigned>(day))};
    if (!ymd.ok()) {
        return bad_literal(text, "no such calendar date");
    }
    std::int64_t ms = 0;
    bool has_time = read_char(text, pos, 'T');
    if (has_time) {
        if (!read_digits(text, pos, 2, hour) || !read_char(text, pos, ':') ||
            !read_digits(text, pos, 2, minute)) {
            return bad_literal(text, "expected hh:mm after 'T'");
        }
        if (read_char(text, pos, ':') && !read_digits(text, pos, 2, second)) {
            return bad_literal(text, "expected two digits of seconds");
        }
        if (hour > 23 || minute > 59 || second > 59) {
            return bad_literal(text, "time of day out of range");
        }
        if (read_char(text, pos, '.')) {
            int digits = 0;
            std::int64_t fraction_ms = 0;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                if (digits < 3) {
                    fraction_ms = fraction_ms * 10 + (text[pos] - '0');
                }
                ++digits;
                ++pos;
            }
            if (digits == 0 || digits > 7) {
                return bad_literal(text, "expected 1 to 7 digits of fractional seconds");
            }
            for (int i = digits; i < 3; ++i) {
                fraction_ms *= 10;
            }
            ms = fraction_ms;
        }
    }
    std::int64_t days_since_epoch = std::chrono::sys_days(ymd).time_since_epoch().count();
    std::int64_t wall_ms = days_since_epoch * kMsPerDay + hour * 3'600'000LL + minute * 60'000LL +
                           second * 1000LL + ms;
    if (pos == text.size()) {
        return zone.local_to_utc(wall_ms);
    }
    if (!has_time) {
        return bad_literal(text, "unexpected text after the date");
    }
    if (text[pos] == 'Z' && pos + 1 == text.size()) {
        return wall_ms;
    }
    if (text[pos] == '+' || text[pos] == '-') {
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0, om = 0;
        if (!read_digits(text, pos, 2, oh) || !read_char(text, pos, ':') ||
            !read_digits(text, pos, 2, om) || pos != text.size() || oh > 14 || om > 59) {
            return bad_literal(text, "expected a UTC offset +hh:mm or -hh:mm");
        }
        return wall_ms - sign * (oh * 3'600'000LL + om * 60'000LL);
    }
    return bad_literal(text, "expected 'Z' or a UTC offset after the time");
}

}  // namespace cs::p21sim

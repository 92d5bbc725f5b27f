#include "agent/schedule/daily_window.hpp"

#include <array>
#include <exception>
#include <optional>

#include <date/tz.h>
#include <fmt/format.h>

#include "agent/timezone/zone_names.hpp"

namespace cs::agent::schedule {
namespace {

using std::chrono::days;
using std::chrono::microseconds;

struct Opening {
    TimePoint open;
    TimePoint close;
};

TimePoint to_instant(const date::time_zone* zone, date::local_time<microseconds> local) {
    // choose::earliest: a nonexistent time maps to the end of the gap, an
    // ambiguous one to its first occurrence (see DailyWindow).
    return TimePoint(zone->to_sys(local, date::choose::earliest).time_since_epoch());
}

// The openings that start on the local days around `now`: enough to answer
// every question about `now`, because one opening lasts less than a day.
std::array<Opening, 4> openings_around(const DailyWindow& w, TimePoint now) {
    auto local = w.zone->to_local(date::sys_time<microseconds>(now.time_since_epoch()));
    auto day = date::floor<days>(local);
    std::array<Opening, 4> out{};
    for (int i = 0; i < 4; ++i) {
        auto midnight = date::local_time<microseconds>(day + days(i - 1));
        auto close_day = w.end > w.start ? midnight : midnight + days(1);
        out[static_cast<std::size_t>(i)] = {to_instant(w.zone, midnight + w.start),
                                            to_instant(w.zone, close_day + w.end)};
    }
    return out;
}

std::optional<Opening> current(const DailyWindow& w, TimePoint now) {
    for (const auto& o : openings_around(w, now)) {
        if (o.open <= now && now < o.close) {
            return o;
        }
    }
    return std::nullopt;
}

}  // namespace

bool DailyWindow::is_open(TimePoint now) const {
    return current(*this, now).has_value();
}

TimePoint DailyWindow::next_open(TimePoint now) const {
    if (is_open(now)) {
        return now;
    }
    // A spring-forward gap can swallow a whole short window: look a few days on.
    for (TimePoint from = now;; from += days(2)) {
        for (const auto& o : openings_around(*this, from)) {
            if (o.open > now && o.open < o.close) {
                return o.open;
            }
        }
    }
}

TimePoint DailyWindow::next_close(TimePoint now) const {
    if (auto o = current(*this, now)) {
        return o->close;
    }
    TimePoint opens = next_open(now);
    return current(*this, opens)->close;
}

std::string DailyWindow::describe() const {
    auto hhmm = [](std::chrono::minutes m) {
        return fmt::format("{:02}:{:02}", m.count() / 60, m.count() % 60);
    };
    return fmt::format("{}-{} {}", hhmm(start), hhmm(end), zone != nullptr ? zone->name() : "UTC");
}

Expected<std::chrono::minutes> parse_clock_time(std::string_view text) {
    auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
    if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
        return make_error(ErrorCode::invalid_argument, "'{}' is not a time of day HH:MM", text);
    }
    int hours = (text[0] - '0') * 10 + (text[1] - '0');
    int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59) {
        return make_error(ErrorCode::invalid_argument, "'{}' is not a time of day 00:00..23:59",
                          text);
    }
    return std::chrono::minutes(hours * 60 + minutes);
}

Expected<const date::time_zone*> find_window_zone(std::string_view name) {
    if (name != "local") {
        return timezone::locate(name);
    }
    try {
        return date::current_zone();
    } catch (const std::exception& e) {
        return make_error(ErrorCode::invalid_argument,
                          "cannot tell this machine's time zone ({}); name it instead, e.g. "
                          "America/Chicago",
                          e.what());
    }
}

}  // namespace cs::agent::schedule

#include "agent/normalize/posix_tz.hpp"

#include <algorithm>

#include "common/calendar/civil.hpp"

namespace cs::agent::normalize {
namespace {

constexpr std::int64_t kDay = 86'400;

class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}
    bool done() const { return pos_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    bool take(char c) {
        if (peek() != c) {
            return false;
        }
        ++pos_;
        return true;
    }
    bool number(int max_digits, int& out) {
        int n = 0;
        out = 0;
        while (n < max_digits && peek() >= '0' && peek() <= '9') {
            out = out * 10 + (text_[pos_++] - '0');
            ++n;
        }
        return n > 0;
    }
    // "CST" or "<-03>".
    bool name() {
        if (take('<')) {
            std::size_t close = text_.find('>', pos_);
            if (close == std::string_view::npos) {
                return false;
            }
            pos_ = close + 1;
            return true;
        }
        std::size_t start = pos_;
        while ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z')) {
            ++pos_;
        }
        return pos_ - start >= 3;
    }
    // [+-]hh[:mm[:ss]] in seconds; hours up to 167 (RFC 8536 version 3).
    bool duration(std::int32_t& out) {
        int sign = take('-') ? -1 : (take('+'), 1);
        int h = 0;
        int m = 0;
        int s = 0;
        if (!number(3, h) || h > 167) {
            return false;
        }
        if (take(':') && (!number(2, m) || (take(':') && !number(2, s)))) {
            return false;
        }
        out = sign * (h * 3600 + m * 60 + s);
        return true;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

int year_of(std::int64_t seconds) {
    return static_cast<int>(calendar::civil_from_days(calendar::floor_div(seconds, kDay)).year);
}

}  // namespace

std::optional<PosixRule> PosixRule::parse(std::string_view tz) {
    PosixRule rule;
    Cursor c(tz);
    std::int32_t std_west = 0;
    if (!c.name() || !c.duration(std_west)) {
        return std::nullopt;
    }
    rule.std_offset_ = -std_west;  // POSIX counts hours west of Greenwich
    if (c.done()) {
        return rule;
    }
    if (!c.name()) {
        return std::nullopt;
    }
    rule.has_dst_ = true;
    rule.dst_offset_ = rule.std_offset_ + 3600;
    if (c.peek() != ',') {
        std::int32_t dst_west = 0;
        if (!c.duration(dst_west)) {
            return std::nullopt;
        }
        rule.dst_offset_ = -dst_west;
    }
    for (Transition* t : {&rule.start_, &rule.end_}) {
        if (!c.take(',')) {
            return std::nullopt;
        }
        if (c.take('M')) {
            t->kind = 'M';
            if (!c.number(2, t->month) || !c.take('.') || !c.number(1, t->week) || !c.take('.') ||
                !c.number(1, t->weekday) || t->month < 1 || t->month > 12 || t->week < 1 ||
                t->week > 5 || t->weekday > 6) {
                return std::nullopt;
            }
        } else {
            t->kind = c.take('J') ? 'J' : 'n';
            if (!c.number(3, t->day) || t->day > 365 || (t->kind == 'J' && t->day < 1)) {
                return std::nullopt;
            }
        }
        if (c.take('/') && !c.duration(t->time)) {
            return std::nullopt;
        }
    }
    if (!c.done()) {
        return std::nullopt;
    }
    return rule;
}

std::int64_t PosixRule::transition_utc(const Transition& t, int year,
                                       std::int32_t offset_before) const {
    std::int64_t day = 0;
    if (t.kind == 'M') {
        auto month = static_cast<unsigned>(t.month);
        auto length = static_cast<int>(calendar::days_in_month(year, month));
        std::int64_t first = calendar::days_from_civil(year, month, 1);
        int d = 1 + (t.weekday - calendar::weekday_from_days(first) + 7) % 7 + (t.week - 1) * 7;
        while (d > length) {
            d -= 7;  // week 5 means the last such weekday
        }
        day = first + d - 1;
    } else {
        std::int64_t jan1 = calendar::days_from_civil(year, 1, 1);
        int offset = t.day;
        if (t.kind == 'J') {
            offset = t.day - 1 + (calendar::is_leap_year(year) && t.day >= 60 ? 1 : 0);
        }
        day = jan1 + offset;
    }
    return day * kDay + t.time - offset_before;
}

bool PosixRule::is_dst(std::int64_t utc) const {
    int year = year_of(utc + std_offset_);
    std::int64_t start = transition_utc(start_, year, std_offset_);
    std::int64_t end = transition_utc(end_, year, dst_offset_);
    if (start < end) {
        return start <= utc && utc < end;
    }
    return !(end <= utc && utc < start);  // southern hemisphere: DST spans the new year
}

std::int64_t PosixRule::to_utc(std::int64_t local_seconds) const {
    if (!has_dst_) {
        return local_seconds - std_offset_;
    }
    std::int64_t as_std = local_seconds - std_offset_;
    std::int64_t as_dst = local_seconds - dst_offset_;
    bool std_fits = !is_dst(as_std);
    bool dst_fits = is_dst(as_dst);
    if (std_fits && dst_fits) {
        return std::min(as_std, as_dst);  // overlap: the first occurrence
    }
    if (std_fits) {
        return as_std;
    }
    if (dst_fits) {
        return as_dst;
    }
    // Gap: clocks jumped forward, from the smaller offset to the larger one;
    // read the time with the offset from before the jump.
    return local_seconds - std::min(std_offset_, dst_offset_);
}

}  // namespace cs::agent::normalize

#include "common/calendar/iso.hpp"

#include "common/calendar/civil.hpp"

namespace cs::calendar {
namespace {

void put2(char* p, unsigned v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

void write_iso_date(char* out, std::int64_t days) {
    CivilDate date = civil_from_days(days);
    auto year = static_cast<unsigned>((date.year < 0 ? -date.year : date.year) % 10000);
    put2(out, year / 100);
    put2(out + 2, year % 100);
    out[4] = '-';
    put2(out + 5, date.month);
    out[7] = '-';
    put2(out + 8, date.day);
}

std::size_t write_iso_timestamp(char* out, std::int64_t micros) {
    std::int64_t days = floor_div(micros, kMicrosPerDay);
    std::int64_t in_day = micros - days * kMicrosPerDay;
    auto seconds = static_cast<unsigned>(in_day / kMicrosPerSecond);
    auto fraction = static_cast<unsigned>(in_day % kMicrosPerSecond);
    write_iso_date(out, days);
    out[10] = 'T';
    put2(out + 11, seconds / 3600);
    out[13] = ':';
    put2(out + 14, (seconds / 60) % 60);
    out[16] = ':';
    put2(out + 17, seconds % 60);
    std::size_t size = 19;
    if (fraction != 0) {
        out[size++] = '.';
        for (int i = 5; i >= 0; --i) {
            out[size + static_cast<std::size_t>(i)] = static_cast<char>('0' + fraction % 10);
            fraction /= 10;
        }
        size += 6;
    }
    out[size++] = 'Z';
    return size;
}

bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
    if (pos > text.size() || count > text.size() - pos) {
        return false;
    }
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    pos += count;
    out = value;
    return true;
}

bool read_char(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

}  // namespace cs::calendar

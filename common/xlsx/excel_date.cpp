#include "common/xlsx/excel_date.hpp"

#include <chrono>
#include <cstdint>

#include <fmt/format.h>

#include "common/decimal/int128.hpp"

namespace cs::xlsx {
namespace {

constexpr std::int64_t kMsPerDay = 86400000;
constexpr int kMaxFractionDigits = 20;  // far below a millisecond; fits 128-bit arithmetic

struct Serial {
    std::int64_t days = 0;
    std::int64_t ms = 0;  // 0..kMsPerDay-1 after rounding
};

// Parses "[+]digits[.digits][e[+-]digits]" exactly; negatives are rejected.
std::optional<Serial> parse_serial(std::string_view text) {
    std::string digits;
    std::int64_t point = -1;  // digits before the decimal point
    std::size_t i = 0;
    if (i < text.size() && text[i] == '+') {
        ++i;
    }
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            if (!(digits.empty() && c == '0' && point < 0)) {
                digits.push_back(c);
            }
        } else if (c == '.' && point < 0) {
            point = static_cast<std::int64_t>(digits.size());
        } else {
            break;
        }
        if (digits.size() > 64) {
            return std::nullopt;
        }
    }
    if (point < 0) {
        point = static_cast<std::int64_t>(digits.size());
    }
    if (i < text.size()) {
        if (text[i] != 'e' && text[i] != 'E') {
            return std::nullopt;
        }
        ++i;
        bool negative = false;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
            negative = text[i] == '-';
            ++i;
        }
        std::int64_t exponent = 0;
        if (i == text.size()) {
            return std::nullopt;
        }
        for (; i < text.size(); ++i) {
            if (text[i] < '0' || text[i] > '9' || exponent > 1000) {
                return std::nullopt;
            }
            exponent = exponent * 10 + (text[i] - '0');
        }
        point += negative ? -exponent : exponent;
    }
    if (point > 9) {
        return std::nullopt;  // beyond any serial up to 9999-12-31
    }
    Serial serial;
    for (std::int64_t d = 0; d < point; ++d) {
        serial.days =
            serial.days * 10 + (d < static_cast<std::int64_t>(digits.size()) ? digits[d] - '0' : 0);
    }
    // fraction = 0.<leading zeros><remaining digits>, cut to kMaxFractionDigits.
    uint128 fraction = 0;
    uint128 scale = 1;
    for (int k = 0; k < kMaxFractionDigits; ++k) {
        const std::int64_t index = point + k;
        const int digit = index >= 0 && index < static_cast<std::int64_t>(digits.size())
                              ? digits[index] - '0'
                              : 0;
        fraction = fraction * 10 + static_cast<unsigned>(digit);
        scale *= 10;
    }
    serial.ms = static_cast<std::int64_t>((fraction * kMsPerDay + scale / 2) / scale);
    if (serial.ms == kMsPerDay) {
        serial.ms = 0;
        serial.days += 1;
    }
    return serial;
}

}  // namespace

std::optional<ExcelDate> excel_serial_to_date(std::string_view serial_text, bool date1904,
                                              bool time_format) {
    auto serial = parse_serial(serial_text);
    if (!serial) {
        return std::nullopt;
    }
    using namespace std::chrono;
    sys_days day;
    if (date1904) {
        day = sys_days{year{1904} / January / 1} + days{serial->days};
    } else if (serial->days == 60 || (serial->days == 0 && serial->ms == 0 && !time_format)) {
        return std::nullopt;
    } else if (serial->days < 60) {
        day = sys_days{year{1899} / December / 31} + days{serial->days};
    } else {
        day = sys_days{year{1899} / December / 30} + days{serial->days};
    }
    const year_month_day ymd{day};
    if (ymd.year() > year{9999}) {
        return std::nullopt;
    }
    ExcelDate out;
    out.text = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                           static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    if (serial->ms == 0 && !time_format) {
        out.kind = CellKind::date;
        return out;
    }
    out.kind = CellKind::datetime;
    const std::int64_t ms = serial->ms;
    fmt::format_to(std::back_inserter(out.text), "T{:02}:{:02}:{:02}", ms / 3600000,
                   ms / 60000 % 60, ms / 1000 % 60);
    if (ms % 1000 != 0) {
        fmt::format_to(std::back_inserter(out.text), ".{:03}", ms % 1000);
    }
    return out;
}

}  // namespace cs::xlsx

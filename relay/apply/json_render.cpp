#include "relay/apply/json_render.hpp"

#include <charconv>

namespace cs::relay::apply {
namespace {

// The renderers below write straight into the COPY buffer: the Value to_text()
// family allocates a string per value, which dominated the relay's CPU time per
// row. They produce the same text as Decimal::to_string and Date/Timestamp::to_iso.

void append_decimal(std::string& out, const Decimal& d) {
    char buffer[48];
    int pos = static_cast<int>(sizeof(buffer));
    int scale = d.scale();
    int written = 0;
    auto units = d.units();
    uint128 magnitude = static_cast<uint128>(units < 0 ? -units : units);
    auto put = [&](int digit) {
        buffer[--pos] = static_cast<char>('0' + digit);
        if (++written == scale) {
            buffer[--pos] = '.';
        }
    };
    while (magnitude > UINT64_MAX) {
        put(static_cast<int>(magnitude % 10));
        magnitude /= 10;
    }
    auto small = static_cast<std::uint64_t>(magnitude);
    do {
        put(static_cast<int>(small % 10));
        small /= 10;
    } while (small != 0 || written < scale);
    if (buffer[pos] == '.') {
        buffer[--pos] = '0';
    }
    if (units < 0) {
        buffer[--pos] = '-';
    }
    out.append(buffer + pos, buffer + sizeof(buffer));
}

void put2(char* p, unsigned v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
}

// Days since 1970-01-01 to "YYYY-MM-DD" for years 0..9999 (H. Hinnant's
// civil_from_days); false outside that range, where the caller falls back.
bool format_date(char* p, std::int64_t days) {
    days += 719468;
    std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    auto doe = static_cast<unsigned>(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned day = doy - (153 * mp + 2) / 5 + 1;
    unsigned month = mp < 10 ? mp + 3 : mp - 9;
    y += month <= 2 ? 1 : 0;
    if (y < 0 || y > 9999) {
        return false;
    }
    auto year = static_cast<unsigned>(y);
    put2(p, year / 100);
    put2(p + 2, year % 100);
    p[4] = '-';
    put2(p + 5, month);
    p[7] = '-';
    put2(p + 8, day);
    return true;
}

void append_date(std::string& out, Date date) {
    char buffer[12];
    buffer[0] = '"';
    if (!format_date(buffer + 1, date.days)) {
        out.push_back('"');
        out += date.to_iso();
        out.push_back('"');
        return;
    }
    buffer[11] = '"';
    out.append(buffer, 12);
}

void append_timestamp(std::string& out, Timestamp ts) {
    constexpr std::int64_t kPerDay = 86'400'000'000;
    std::int64_t days = ts.micros / kPerDay - (ts.micros % kPerDay < 0 ? 1 : 0);
    std::int64_t in_day = ts.micros - days * kPerDay;
    char buffer[32];
    buffer[0] = '"';
    if (days < INT32_MIN || days > INT32_MAX || !format_date(buffer + 1, days)) {
        out.push_back('"');
        out += ts.to_iso();
        out.push_back('"');
        return;
    }
    auto seconds = static_cast<unsigned>(in_day / 1'000'000);
    auto fraction = static_cast<unsigned>(in_day % 1'000'000);
    char* p = buffer + 11;
    *p++ = 'T';
    put2(p, seconds / 3600);
    p[2] = ':';
    put2(p + 3, (seconds / 60) % 60);
    p[5] = ':';
    put2(p + 6, seconds % 60);
    p += 8;
    if (fraction != 0) {
        *p++ = '.';
        for (int i = 5; i >= 0; --i) {
            p[i] = static_cast<char>('0' + fraction % 10);
            fraction /= 10;
        }
        p += 6;
    }
    *p++ = 'Z';
    *p++ = '"';
    out.append(buffer, p);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(text.substr(start, i - start));
        start = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 15]);
        }
    }
    out.append(text.substr(start));
    out.push_back('"');
}

JsonRenderer::JsonRenderer(std::span<const wire::Field> schema) {
    keys_.reserve(schema.size());
    for (std::size_t i = 0; i < schema.size(); ++i) {
        std::string key = i == 0 ? "" : ",";
        append_json_string(key, schema[i].name);
        key.push_back(':');
        keys_.push_back(std::move(key));
    }
}

void JsonRenderer::render(std::string& out, std::span<const Value> values) const {
    out.push_back('{');
    char buffer[32];
    for (std::size_t i = 0; i < values.size() && i < keys_.size(); ++i) {
        out += keys_[i];
        const auto& v = values[i].storage();
        switch (v.index()) {
            case 0:
                out += "null";
                break;
            case 1:
                append_json_string(out, std::get<std::string>(v));
                break;
            case 2:
                // Plain notation with its scale, always a valid JSON number
                // ("0.50", "-12", never ".5" or "1e3").
                append_decimal(out, std::get<Decimal>(v));
                break;
            case 3: {
                auto [end, ec] =
                    std::to_chars(buffer, buffer + sizeof(buffer), std::get<std::int64_t>(v));
                (void)ec;
                out.append(buffer, end);
                break;
            }
            case 4:
                out += std::get<bool>(v) ? "true" : "false";
                break;
            case 5:
                append_date(out, std::get<Date>(v));
                break;
            case 6:
                append_timestamp(out, std::get<Timestamp>(v));
                break;
        }
    }
    out.push_back('}');
}

}  // namespace cs::relay::apply

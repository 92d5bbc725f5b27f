#include "tests/tools/p21sim/json_out.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "common/log/log.hpp"

namespace cs::p21sim {

namespace {

// Printable ASCII without '"' or '\\' needs no escaping: copy it in one go.
bool plain(std::string_view text) {
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
            return false;
        }
    }
    return true;
}

void append_int(std::string& out, std::int64_t value) {
    char buf[24];
    auto result = fmt::format_to_n(buf, sizeof buf, "{}", value);
    out.append(buf, result.out);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    if (plain(text)) {
        out.push_back('"');
        out.append(text);
        out.push_back('"');
        return;
    }
    cs::log::append_json_string(out, text);
}

void append_decimal(std::string& out, const Decimal& value) {
    int128 units = value.units();
    int scale = value.scale();
    if (units > INT64_MIN / 2 && units < INT64_MAX / 2 && scale <= 18) {
        // Fast path for values that fit 64 bits: digits right to left, point
        // inserted, then one append.
        auto magnitude = static_cast<std::uint64_t>(units < 0 ? -units : units);
        char buf[48];
        char* end = buf + sizeof buf;
        char* p = end;
        int digits = 0;
        do {
            if (digits == scale && scale > 0) {
                *--p = '.';
            }
            *--p = static_cast<char>('0' + magnitude % 10);
            magnitude /= 10;
            ++digits;
        } while (magnitude != 0 || digits <= scale);
        if (units < 0) {
            *--p = '-';
        }
        out.append(p, static_cast<std::size_t>(end - p));
        return;
    }
    out.append(value.to_string());
}

void append_value(std::string& out, const Value& value, const JsonStyle& style) {
    switch (value.type) {
        case Type::null:
            out.append("null");
            return;
        case Type::boolean:
            out.append(value.boolean ? "true" : "false");
            return;
        case Type::integer:
            append_int(out, value.integer);
            return;
        case Type::decimal:
            append_decimal(out, value.decimal);
            return;
        case Type::string:
            append_json_string(out, value.text);
            return;
        case Type::datetime:
            out.push_back('"');
            append_datetime(out, value.integer, *style.zone, style.datetimes);
            out.push_back('"');
            return;
    }
}

void append_row(std::string& out, const Dataset& dataset, std::uint64_t index,
                std::span<const std::size_t> columns, const JsonStyle& style, Value& scratch) {
    const auto& schema = dataset.schema();
    const Row* overlay = dataset.table().overlay(index);
    out.push_back('{');
    bool first = true;
    for (std::size_t column : columns) {
        if (!first) {
            out.push_back(',');
        }
        first = false;
        out.push_back('"');
        out.append(schema.columns[column].name);  // schema names are plain identifiers
        out.append("\":");
        dataset.cell(index, overlay, column, scratch);
        append_value(out, scratch, style);
    }
    out.push_back('}');
}

std::string error_body(int status, std::string_view message) {
    std::string out = fmt::format(R"({{"error":{{"code":"{}","message":)", status);
    append_json_string(out, message);
    out.append("}}");
    return out;
}

}  // namespace cs::p21sim

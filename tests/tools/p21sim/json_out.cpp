#include "tests/tools/p21sim/json_out.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "common/text/json_string.hpp"

namespace cs::p21sim {

namespace {

void append_int(std::string& out, std::int64_t value) {
    char buf[24];
    auto result = fmt::format_to_n(buf, sizeof buf, "{}", value);
    out.append(buf, result.out);
}

}  // namespace

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
            value.decimal.append_to(out);
            return;
        case Type::string:
            text::append_json_string(out, value.text);
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
    text::append_json_string(out, message);
    out.append("}}");
    return out;
}

}  // namespace cs::p21sim

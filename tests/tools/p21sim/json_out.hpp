#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tests/tools/p21sim/dataset.hpp"
#include "tests/tools/p21sim/datetime.hpp"

namespace cs::p21sim {

// How cells are written: datetimes in the server's zone and style; decimals as
// JSON numbers with their exact digits ("12.3400"), never through a double.
struct JsonStyle {
    const TimeZone* zone = nullptr;
    DateTimeStyle datetimes = DateTimeStyle::naive;
};

void append_value(std::string& out, const Value& value, const JsonStyle& style);

// {"col":value,...} for the given columns of one row; `scratch` is reused.
void append_row(std::string& out, const Dataset& dataset, std::uint64_t index,
                std::span<const std::size_t> columns, const JsonStyle& style, Value& scratch);

// {"error":{"code":"<status>","message":"..."}}, the OData error body.
std::string error_body(int status, std::string_view message);

}  // namespace cs::p21sim

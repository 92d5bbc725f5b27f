#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/decimal/decimal.hpp"

namespace cs::p21sim {

// The column types the simulator serves. Money and quantities are exact decimals;
// datetimes are instants (UTC milliseconds) rendered in the server's time zone.
enum class Type : std::uint8_t { null, boolean, integer, decimal, string, datetime };

std::string_view to_string(Type type);
// The OData (Edm) name of a type, for error messages and $metadata.
std::string_view edm_name(Type type);

// One cell. Not a variant: a reused Value keeps its string capacity, which keeps
// row generation free of allocations on the hot path.
struct Value {
    Type type = Type::null;
    bool boolean = false;
    std::int64_t integer = 0;  // integer, or datetime as UTC milliseconds since 1970
    Decimal decimal;
    std::string text;

    void set_null() { type = Type::null; }
    void set_bool(bool b) {
        type = Type::boolean;
        boolean = b;
    }
    void set_int(std::int64_t i) {
        type = Type::integer;
        integer = i;
    }
    void set_decimal(Decimal d) {
        type = Type::decimal;
        decimal = d;
    }
    void set_datetime(std::int64_t utc_ms) {
        type = Type::datetime;
        integer = utc_ms;
    }
    void set_string(std::string_view s) {
        type = Type::string;
        text.assign(s.data(), s.size());
    }
    bool is_null() const { return type == Type::null; }
};

// Total order used by $orderby and comparisons: null sorts first (as in SQL Server),
// strings compare ASCII case-insensitively like the SQL Server collation P21 uses,
// integers and decimals compare as numbers. Values of unrelated types order by type.
std::weak_ordering compare_values(const Value& a, const Value& b);

// ASCII case-insensitive comparison (SQL_Latin1_General_CP1_CI_AS for ASCII text).
std::weak_ordering compare_ci(std::string_view a, std::string_view b);

}  // namespace cs::p21sim

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/base/expected.hpp"
#include "common/decimal/decimal.hpp"

namespace cs {

// The declared type of a field. The order is part of the wire format and the
// canonical hash encoding: append only.
enum class FieldType : std::uint8_t {
    string = 1,
    decimal = 2,
    integer = 3,
    boolean = 4,
    date = 5,
    timestamp = 6,
};

std::string_view to_string(FieldType type);
Expected<FieldType> parse_field_type(std::string_view name);

// A calendar date as days since 1970-01-01 (proleptic Gregorian).
struct Date {
    std::int32_t days = 0;
    friend auto operator<=>(const Date&, const Date&) = default;

    static Expected<Date> from_ymd(int year, unsigned month, unsigned day);
    // Strict ISO 8601 "YYYY-MM-DD".
    static Expected<Date> parse_iso(std::string_view text);
    std::string to_iso() const;
};

// An instant as microseconds since 1970-01-01T00:00:00Z.
struct Timestamp {
    std::int64_t micros = 0;
    friend auto operator<=>(const Timestamp&, const Timestamp&) = default;

    // Strict ISO 8601 UTC "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (or +00:00 / offset).
    static Expected<Timestamp> parse_iso(std::string_view text);
    // "YYYY-MM-DDTHH:MM:SS.ffffffZ"; the fraction is omitted when zero.
    std::string to_iso() const;
};

// One typed field value. Null is its own alternative, distinct from "".
class Value {
public:
    using Storage =
        std::variant<std::monostate, std::string, Decimal, std::int64_t, bool, Date, Timestamp>;

    Value() = default;
    Value(std::string v) : data_(std::move(v)) {}
    Value(const char* v) : data_(std::string(v)) {}
    Value(Decimal v) : data_(v) {}
    Value(std::int64_t v) : data_(v) {}
    Value(bool v) : data_(v) {}
    Value(Date v) : data_(v) {}
    Value(Timestamp v) : data_(v) {}

    static Value null() { return Value(); }

    bool is_null() const { return data_.index() == 0; }
    // The value's type; nullopt for null.
    std::optional<FieldType> type() const;

    const std::string& as_string() const { return std::get<std::string>(data_); }
    const Decimal& as_decimal() const { return std::get<Decimal>(data_); }
    std::int64_t as_integer() const { return std::get<std::int64_t>(data_); }
    bool as_boolean() const { return std::get<bool>(data_); }
    Date as_date() const { return std::get<Date>(data_); }
    Timestamp as_timestamp() const { return std::get<Timestamp>(data_); }

    const Storage& storage() const { return data_; }

    // Human/JSON text form: decimals as written, dates and timestamps ISO 8601,
    // booleans "true"/"false", null as "null".
    std::string to_text() const;

    friend bool operator==(const Value&, const Value&) = default;

private:
    Storage data_;
};

}  // namespace cs

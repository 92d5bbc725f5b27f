#include "tests/tools/p21sim/value.hpp"

#include <algorithm>

namespace cs::p21sim {

std::string_view to_string(Type type) {
    switch (type) {
        case Type::null:
            return "null";
        case Type::boolean:
            return "boolean";
        case Type::integer:
            return "integer";
        case Type::decimal:
            return "decimal";
        case Type::string:
            return "string";
        case Type::datetime:
            return "datetime";
    }
    return "unknown";
}

std::string_view edm_name(Type type) {
    switch (type) {
        case Type::null:
            return "Edm.Untyped";
        case Type::boolean:
            return "Edm.Boolean";
        case Type::integer:
            return "Edm.Int32";
        case Type::decimal:
            return "Edm.Decimal";
        case Type::string:
            return "Edm.String";
        case Type::datetime:
            return "Edm.DateTimeOffset";
    }
    return "Edm.Untyped";
}

namespace {

char fold(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_number(Type t) {
    return t == Type::integer || t == Type::decimal;
}

Decimal as_decimal(const Value& v) {
    return v.type == Type::integer ? Decimal::from_int(v.integer) : v.decimal;
}

}  // namespace

std::weak_ordering compare_ci(std::string_view a, std::string_view b) {
    std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        auto ca = static_cast<unsigned char>(fold(a[i]));
        auto cb = static_cast<unsigned char>(fold(b[i]));
        if (ca != cb) {
            return ca < cb ? std::weak_ordering::less : std::weak_ordering::greater;
        }
    }
    return a.size() <=> b.size();
}

std::weak_ordering compare_values(const Value& a, const Value& b) {
    if (a.type == Type::null || b.type == Type::null) {
        return (a.type != Type::null) <=> (b.type != Type::null);
    }
    if (is_number(a.type) && is_number(b.type)) {
        if (a.type == Type::integer && b.type == Type::integer) {
            return a.integer <=> b.integer;
        }
        return as_decimal(a) <=> as_decimal(b);
    }
    if (a.type != b.type) {
        return static_cast<int>(a.type) <=> static_cast<int>(b.type);
    }
    switch (a.type) {
        case Type::boolean:
            return a.boolean <=> b.boolean;
        case Type::datetime:
            return a.integer <=> b.integer;
        case Type::string:
            return compare_ci(a.text, b.text);
        default:
            return std::weak_ordering::equivalent;
    }
}

}  // namespace cs::p21sim

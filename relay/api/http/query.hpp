#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::relay::api {

// A parsed query string. Names repeat at most once; values are percent-decoded.
class Query {
public:
    // Fails on malformed percent escapes, repeated names or more than 64 fields.
    static Expected<Query> parse(std::string_view query);

    std::optional<std::string> get(std::string_view name) const;
    bool has(std::string_view name) const { return values_.count(std::string(name)) > 0; }
    // Integer in [min, max]; `fallback` when absent.
    Expected<std::int64_t> integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max) const;
    const std::map<std::string, std::string, std::less<>>& all() const { return values_; }

private:
    std::map<std::string, std::string, std::less<>> values_;
};

// The value of one cookie in a Cookie header; empty when absent.
std::string cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace cs::relay::api

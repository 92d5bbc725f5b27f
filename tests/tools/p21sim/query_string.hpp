#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"

namespace cs::p21sim {

// One name=value pair of a query string, decoded and as sent.
struct QueryParam {
    std::string name;          // percent-decoded, '+' read as space
    std::string value;         // percent-decoded, '+' read as space
    std::string encoded_name;  // as sent, for links that repeat the query
    std::string encoded_value;
};

// A request target split at '?': the decoded path and the query parameters.
struct Target {
    std::string path;
    std::string encoded_query;
    std::vector<QueryParam> params;

    // The first parameter with this decoded name, or null.
    const QueryParam* find(std::string_view name) const;
};

// Parses an origin-form request target ("/path?a=1&b=%20x"). Malformed percent
// escapes and characters not allowed in a URL are errors naming the target.
Expected<Target> parse_target(std::string_view target);

// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
std::string encode_query_value(std::string_view value);

}  // namespace cs::p21sim

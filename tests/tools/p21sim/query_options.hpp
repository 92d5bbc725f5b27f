#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/expected.hpp"
#include "tests/tools/p21sim/filter.hpp"
#include "tests/tools/p21sim/query_string.hpp"

namespace cs::p21sim {

// Which service's rules apply: P21 accepts $skip and numeric $skiptoken values;
// the generic surface pages only by its opaque $skiptoken.
enum class Surface { p21, generic };

struct OrderKey {
    std::size_t column = 0;
    bool descending = false;
};

// The system query options of one request, bound to a schema.
struct QueryOptions {
    std::shared_ptr<const Filter> filter;
    std::string filter_text;
    std::vector<OrderKey> orderby;
    std::string orderby_text;         // canonical "col asc,col desc", for cache keys
    std::vector<std::size_t> select;  // the columns to write, in order
    bool select_given = false;        // true if $select narrowed the columns
    std::optional<std::uint64_t> top;
    std::optional<std::uint64_t> skip;
    std::optional<std::uint64_t> skiptoken;  // an offset into the ordered matches
    bool count = false;
};

// Parses $select $filter $orderby $top $skip $count $format $skiptoken. Errors
// use the codes of parse_filter (see http_status()); unknown or unsupported
// system options ($expand, $search, ...) are 400 as on P21.
Expected<QueryOptions> parse_query_options(const Target& target, const TableSchema& schema,
                                           const TimeZone& zone, Surface surface);

// The $skiptoken text for an offset on a surface.
std::string format_skiptoken(std::uint64_t offset, Surface surface);

// The HTTP status an error stands for: 400 for bad input, 401, 403, 404, 429,
// 500 for limits ("query too complex") and internal failures.
int http_status(const Error& error);

}  // namespace cs::p21sim

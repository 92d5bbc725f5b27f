#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "tests/tools/p21sim/datetime.hpp"
#include "tests/tools/p21sim/schema.hpp"
#include "tests/tools/p21sim/value.hpp"

namespace cs::p21sim {

enum class CompareOp { eq, ne, gt, ge, lt, le };
enum class StringFunction { startswith, endswith, contains };

// A bound $filter expression: column references are resolved to column indexes
// and every node's type is checked, so evaluation cannot fail.
struct FilterNode {
    enum class Kind { literal, column, compare, logical_and, logical_or, logical_not, function };

    Kind kind = Kind::literal;
    Type type = Type::null;  // result type; boolean for predicates
    Value literal;           // Kind::literal
    std::size_t column = 0;  // Kind::column: index in the schema
    std::size_t slot = 0;    // Kind::column: index in Filter::columns and in the cells
    CompareOp op = CompareOp::eq;
    StringFunction function = StringFunction::contains;
    std::vector<std::unique_ptr<FilterNode>> children;
};

// Limits on a peer-controlled expression; beyond them P21 answers 500
// "query too complex", and so does the simulator.
inline constexpr std::size_t kMaxFilterLength = 16 * 1024;
inline constexpr std::size_t kMaxFilterNodes = 2000;
inline constexpr std::size_t kMaxFilterDepth = 64;

struct Filter {
    std::unique_ptr<FilterNode> root;
    std::vector<std::size_t> columns;  // every column the expression reads, once each
};

// Parses and binds an OData $filter against a schema. Errors carry the HTTP
// meaning in their code: parse_error / invalid_argument (400: syntax, unknown
// property, incompatible types), not_found (404: functions P21 does not support,
// such as now()), limit_exceeded (500: too complex). Naive date/time literals are
// read in the server's time zone.
Expected<Filter> parse_filter(std::string_view text, const TableSchema& schema,
                              const TimeZone& zone);

// True if the row satisfies the filter; cells[i] holds the row's value of
// filter.columns[i]. SQL three-valued logic, as P21's SQL Server applies it: a
// comparison with a null value is unknown (except `eq null` / `ne null`),
// `not unknown` is unknown, and only true rows match.
bool evaluate(const Filter& filter, std::span<const Value> cells);

}  // namespace cs::p21sim

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "common/rows/raw_batch.hpp"

namespace cs::agent::odata {

// One key column's value as the source wrote it, enough to write it back as a literal.
struct KeyValue {
    CellKind kind = CellKind::empty;
    std::string text;
};

// Where an interrupted full read stands, kept in the entity's `cursor` between
// runs (docs/p21-source.md, "Long first loads"). Reads page in key order, so
// "every row after this key" is exactly what is left, whatever rows were
// inserted or deleted before it in the meantime — which a $skip position is not.
struct ReadCursor {
    std::string shape;            // resource, columns, key and filter the cursor is valid for
    std::vector<KeyValue> after;  // the last key whose row was committed
    std::int64_t started_at = 0;  // UTC micros when the load's first segment began
    std::optional<std::int64_t> max_modified;  // latest modification time read so far
};

std::string encode_cursor(const ReadCursor& cursor);
Expected<ReadCursor> decode_cursor(std::string_view text);

// The $filter for rows strictly after `after` in the order of `columns`:
// `k1 gt v1`, and for composite keys `(k1 gt v1) or (k1 eq v1 and k2 gt v2) ...`.
// The server compares with the same collation it sorts by, so this continues
// the $orderby exactly. Only text and number keys can be written as literals.
Expected<std::string> after_key_filter(const std::vector<std::string>& columns,
                                       const std::vector<KeyValue>& after);

}  // namespace cs::agent::odata

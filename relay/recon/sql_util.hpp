#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"
#include "relay/recon/types.hpp"

// Small pieces of SQL and text shared by the reconciliation modules.
namespace cs::relay::recon::sql {

// An SQL expression rendering a timestamptz column as ISO 8601 UTC with
// microseconds ("2026-03-01T12:00:00.000000Z"), or null.
std::string iso(std::string_view column);

// Appends `value` to a COPY text-format row, escaped; nullopt writes \N.
void copy_field(std::string& row, std::optional<std::string_view> value, bool last = false);

// A text column as std::string ("" for null).
inline std::string text(const db::Result& r, int row, int column) {
    return std::string(r.text(row, column));
}

// Records that the tenant's reconciliation inputs (uploads, mappings, policy)
// changed now, so the scheduler's automatic run picks them up.
Status mark_inputs_changed(db::Connection& conn, std::string_view tenant_id);

// Keyset cursors are the last row's sort key(s), passed back opaque. Splits
// "a.b" cursors and checks each part is a whole number.
Expected<std::optional<std::pair<std::int64_t, std::int64_t>>> parse_pair_cursor(
    std::string_view cursor);

// Clamps a requested page size to [1, kMaxPageSize]; 0 or negative means 50.
int page_size(int requested);

// A uuid cursor (the last item's id) checked and made canonical; "" stays ""
// and means the first page.
Expected<std::string> parse_uuid_cursor(std::string_view cursor);

// A page from the rows of a query that asked for `n + 1` (`n` from
// page_size): the first `n` rows made items by `from(result, row)`; the extra
// row only says a next page exists, whose cursor is the last item's `id`.
template <typename T, typename From>
Page<T> uuid_page(const db::Result& r, int n, From from, std::string T::*id) {
    Page<T> page;
    for (int i = 0; i < r.rows() && i < n; ++i) {
        page.items.push_back(from(r, i));
    }
    if (r.rows() > n) {
        page.next_cursor = page.items.back().*id;
    }
    return page;
}

}  // namespace cs::relay::recon::sql

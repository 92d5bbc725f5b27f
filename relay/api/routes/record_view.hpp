#pragma once

// One entity's records as the Records page and its export see them: filters,
// a sort with keyset cursors, page jumps, a bounded count, the field names.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "relay/api/core/context.hpp"

namespace cs::relay::api::routes {

// Views up to this many records are counted exactly and may be sorted by a
// field or by the time of the last change (neither has an index: the apply
// path would pay for one); larger ones get an estimate and the key order.
inline constexpr std::int64_t kMaxSortedRecords = 100'000;
// Jumps (offset) reach this far; "last" reaches the end of any view.
inline constexpr std::int64_t kMaxJumpOffset = 100'000;

// 32 lowercase hex characters, as bk_hash is written in paths and filters.
bool is_bk_hash(std::string_view s);

// One record (alias r) as its JSON object in replies.
inline constexpr std::string_view kRecordJson =
    "json_build_object('bk_hash', encode(r.bk_hash, 'hex'), 'parent_bk_hash', "
    "encode(r.parent_bk_hash, 'hex'), 'data', r.data, 'data_hash', encode(r.data_hash, 'hex'), "
    "'rowversion', r.rowversion, 'deleted', r.deleted, 'first_changed_at', r.first_changed_at, "
    "'last_changed_at', r.last_changed_at, 'last_sequence', r.last_sequence)";

struct RecordView {
    std::string tenant;
    std::string site;
    std::string entity;
    std::string key;  // a bk_hash, or empty
    bool include_deleted = false;
    std::string q;
    std::vector<std::pair<std::string, std::string>> fields;  // field.<name>=<value>
    // sort: "" (the record key), "last_changed_at" or a field name.
    std::string sort;
    bool descending = false;
};

// The view a request asks for (filters key, include_deleted, q, field.<name>;
// sort and order), or a 400-worthy error naming the parameter.
Expected<RecordView> parse_view(const RequestContext& ctx, const std::string& tenant);

// Field names seen in the entity's records (a sample of 1,000, which is every
// field unless the entity's fields changed), sorted.
Expected<std::vector<std::string>> entity_fields(db::Connection& db, const RecordView& view);

// Fails with a message naming the field and the fields that exist when a filter
// or the sort names a field no record of the entity has.
Status check_fields(db::Connection& db, const RecordView& view,
                    const std::vector<std::string>& known);

struct ViewCount {
    std::optional<std::int64_t> total;  // nullopt: neither counted nor estimated in time
    bool exact = false;
};
// Exact up to kMaxSortedRecords within a second; beyond that an estimate from
// the 1/256 of the records whose bk_hash starts with a zero byte (hashes are
// uniform, so that is a fair sample).
Expected<ViewCount> count_view(db::Connection& db, const RecordView& view);

// Fails unless the view's sort is the key order or the view is small enough.
Status check_sortable(const RecordView& view, const ViewCount& count);

// Where a page starts: the first page, after or before a cursor row, at an
// offset, or the last page.
struct PageStart {
    enum class Mode { first, after, before, offset, last } mode = Mode::first;
    std::optional<std::int64_t> position;  // of the page's first row, when known
    std::string sort_value;                // the cursor row's sort value (SQL text)
    std::string bk_hash;                   // the cursor row
    std::int64_t offset = 0;
};
// From page_token, offset and last=true; the token must belong to the view's sort.
Expected<PageStart> page_start(const RequestContext& ctx, const RecordView& view,
                               const PageRequest& page);

struct RecordPage {
    std::vector<nlohmann::json> items;
    std::vector<std::string> sort_values;  // each item's sort value (SQL text)
    bool more_after = false;
    bool more_before = false;
    std::optional<std::int64_t> position;
};
// Up to `size` records from `start` in the view's order.
Expected<RecordPage> fetch_page(db::Connection& db, const RecordView& view, const PageStart& start,
                                std::int64_t size);

// {"items", "next_page_token", "prev_page_token", "position"} of a page.
nlohmann::json page_json(const RecordView& view, RecordPage page, std::int64_t size);

}  // namespace cs::relay::api::routes

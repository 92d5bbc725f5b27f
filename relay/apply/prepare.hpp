#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "common/hash/hash128.hpp"
#include "common/wire/codec.hpp"

namespace cs::relay::apply {

// The site a change set is applied for (from the agent's authenticated session).
struct SiteRef {
    std::string tenant_id;
    std::string site_id;
};

// A change set decoded, validated and rendered into the binary COPY payload for
// the staging table: everything that needs no database, so it can run on any
// thread while the previous set of the same stream is still being applied.
struct PreparedChangeSet {
    std::string stream_id;  // canonical lowercase UUID
    std::uint64_t sequence = 0;
    std::string entity;
    std::string parent_entity;  // empty: none
    std::string run_id;
    std::int64_t created_at_us = 0;
    Hash128 content_digest;
    std::size_t frame_bytes = 0;
    std::size_t row_count = 0;
    std::size_t live_rows = 0;
    std::size_t removes = 0;
    std::size_t rows_with_parent = 0;
    bool all_inserts = false;  // every row is an insert by the agent's account
    SiteRef site;              // the site copy_data was rendered for
    // PGCOPY binary in the records column order of kRecordColumns (a remove has
    // null data and data_hash), loadable into the staging table or, for a set of
    // new rows, straight into records.
    std::string copy_data;
    // PGCOPY binary of the change_log rows for the bulk path (kLogColumns); only
    // rendered when all_inserts and no row has a parent.
    std::string log_data;
};

// Column lists the COPY payloads follow.
inline constexpr std::string_view kRecordColumns =
    "tenant_id, site_id, entity, bk_hash, parent_bk_hash, data, data_hash, rowversion, "
    "last_sequence";
inline constexpr std::string_view kLogColumns =
    "tenant_id, site_id, stream_id, sequence, entity, bk_hash, op, data_hash";

// Decodes `frame` within `limits` and checks what PostgreSQL would refuse later
// (NUL characters in text, a bk_hash repeated within the set, a parent hash
// without a parent entity, a stream id that is not a UUID). Every error is a
// reason to reject the change set; messages name the row and field. `site`
// must hold valid UUIDs.
Expected<PreparedChangeSet> prepare(std::string_view frame, const wire::Limits& limits,
                                    const SiteRef& site);

// Who a change set claims to be, read from the start of its body even when the
// rest is malformed, so a rejection can be acknowledged. nullopt when not even
// the stream id and sequence can be read.
struct FrameIdentity {
    std::string stream_id;
    std::uint64_t sequence = 0;
};
std::optional<FrameIdentity> peek_identity(std::string_view frame, const wire::Limits& limits);

}  // namespace cs::relay::apply

#pragma once

// The set-based statements of one apply transaction, in the order they run.
// Internal to relay/apply; engine.cpp strings them together.

#include <cstdint>
#include <string_view>

#include "common/base/expected.hpp"
#include "relay/apply/engine.hpp"

namespace cs::relay::apply::steps {

// Per-session staging table for COPY; emptied at every commit.
Status create_staging(db::Connection& conn);

struct StreamState {
    std::string site_id;
    std::uint64_t last_sequence = 0;
    std::uint64_t pruned_through = 0;
};
// Locks the stream row until the transaction ends, creating it first if new
// (ErrorCode::limit_exceeded instead when the site has `max_streams` already):
// the lock serialises every apply of the stream, across relay instances.
Expected<StreamState> lock_stream(db::Connection& conn, const SiteRef& site,
                                  std::string_view stream_id, std::size_t max_streams);

// The content digest recorded for (stream, sequence), or nullopt.
Expected<std::optional<std::string>> recorded_digest(db::Connection& conn, const SiteRef& site,
                                                     const PreparedChangeSet& set);

Expected<std::int64_t> stage(db::Connection& conn, const PreparedChangeSet& set);
// The bulk path for a set of new rows: COPY straight into records and
// change_log. false (and nothing written) when a row already existed.
Expected<bool> bulk_insert(db::Connection& conn, const PreparedChangeSet& set);
// Whether the entity has parked rows (which the bulk path would not supersede).
Expected<bool> has_parked(db::Connection& conn, const SiteRef& site, std::string_view entity);
// Moves staged children whose parent is missing or deleted into pending_children.
Expected<std::uint64_t> park_orphans(db::Connection& conn, const SiteRef& site,
                                     const PreparedChangeSet& set);
// Drops parked versions of rows this set changes again (the new change wins).
Status drop_superseded(db::Connection& conn, const SiteRef& site, const PreparedChangeSet& set);

struct UpsertCounts {
    std::uint64_t inserted = 0;
    std::uint64_t updated = 0;
};
Expected<UpsertCounts> upsert(db::Connection& conn, const SiteRef& site,
                              const PreparedChangeSet& set);
Expected<std::uint64_t> soft_delete(db::Connection& conn, const SiteRef& site,
                                    const PreparedChangeSet& set);
// Applies parked children of `parent_entity` (all entities when empty) whose
// parent now exists.
Expected<UpsertCounts> release(db::Connection& conn, const SiteRef& site,
                               std::string_view parent_entity);

Status record_applied(db::Connection& conn, const SiteRef& site, const PreparedChangeSet& set,
                      const ApplyOutcome& outcome);

}  // namespace cs::relay::apply::steps

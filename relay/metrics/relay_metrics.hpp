#pragma once

#include <string_view>

#include "relay/metrics/registry.hpp"

namespace cs::relay::metrics {

// Every metric the relay exports (contractsync_relay_*, base units, counters end
// in _total). docs/relay.md lists them; keep the two in step.
struct RelayMetrics {
    explicit RelayMetrics(Registry& registry);

    Registry& registry;
    Gauge& agents_connected;
    Counter& connections_accepted;
    Counter& connections_refused_unauthorized;
    Counter& connections_refused_unavailable;
    Counter& change_sets_applied;
    Counter& change_sets_duplicate;
    Counter& change_sets_rejected;
    Counter& rows_inserted;
    Counter& rows_updated;
    Counter& rows_deleted;
    Counter& rows_unchanged;  // live rows whose data hash matched: nothing to write
    Counter& rows_parked;
    Counter& rows_released;  // parked children applied after their parent arrived
    Counter& sequence_gaps;
    Counter& conflicts;
    Counter& bytes_received;
    Histogram& apply_seconds;
    Histogram& change_set_rows;
    Counter& errors_database;
    Counter& errors_protocol;
    Counter& errors_frame_too_big;
    Counter& errors_internal;
    Counter& sessions_replaced;
    Counter& sessions_closed_revoked;
    Counter& retention_rows_deleted;
    Counter& quota_refused_entities;     // change sets for a new entity past the site's quota
    Counter& quota_refused_streams;      // hellos and change sets for a new stream past it
    Counter& failed_rows_pruned_entity;  // oldest failed rows dropped by failed_rows_cap
    Counter& failed_rows_pruned_site;    // ... and by max_failed_rows_per_site
};

}  // namespace cs::relay::metrics

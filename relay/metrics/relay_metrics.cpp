#include "relay/metrics/relay_metrics.hpp"

namespace cs::relay::metrics {
namespace {

std::vector<double> row_buckets() {
    return {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000};
}

}  // namespace

RelayMetrics::RelayMetrics(Registry& r)
    : registry(r),
      agents_connected(r.gauge("contractsync_relay_agents_connected",
                               "Agent sessions that completed hello/welcome on this instance")),
      connections_accepted(r.counter("contractsync_relay_agent_connections_total",
                                     "Agent WebSocket upgrade attempts by result",
                                     {{"result", "accepted"}})),
      connections_refused_unauthorized(r.counter("contractsync_relay_agent_connections_total",
                                                 "Agent WebSocket upgrade attempts by result",
                                                 {{"result", "unauthorized"}})),
      connections_refused_unavailable(r.counter("contractsync_relay_agent_connections_total",
                                                "Agent WebSocket upgrade attempts by result",
                                                {{"result", "unavailable"}})),
      change_sets_applied(r.counter("contractsync_relay_change_sets_total",
                                    "Change sets acknowledged, by status",
                                    {{"status", "applied"}})),
      change_sets_duplicate(r.counter("contractsync_relay_change_sets_total",
                                      "Change sets acknowledged, by status",
                                      {{"status", "duplicate"}})),
      change_sets_rejected(r.counter("contractsync_relay_change_sets_total",
                                     "Change sets acknowledged, by status",
                                     {{"status", "rejected"}})),
      rows_inserted(r.counter("contractsync_relay_rows_applied_total",
                              "Rows written to records, by effect", {{"op", "insert"}})),
      rows_updated(r.counter("contractsync_relay_rows_applied_total",
                             "Rows written to records, by effect", {{"op", "update"}})),
      rows_deleted(r.counter("contractsync_relay_rows_applied_total",
                             "Rows written to records, by effect", {{"op", "delete"}})),
      rows_unchanged(r.counter("contractsync_relay_rows_unchanged_total",
                               "Live rows received whose data hash was already stored")),
      rows_parked(r.counter("contractsync_relay_rows_parked_total",
                            "Child rows parked because their parent row is missing or deleted")),
      rows_released(r.counter("contractsync_relay_rows_released_total",
                              "Parked child rows applied once their parent arrived")),
      sequence_gaps(r.counter("contractsync_relay_sequence_gaps_total",
                              "Change sets that skipped sequence numbers (agent quarantine)")),
      conflicts(r.counter("contractsync_relay_conflicts_total",
                          "Sequences repeated with different content (alerts raised)")),
      bytes_received(r.counter("contractsync_relay_change_set_bytes_total",
                               "Bytes of change set frames received")),
      apply_seconds(r.histogram("contractsync_relay_apply_duration_seconds",
                                "Time to apply one change set, from dequeue to commit",
                                duration_buckets())),
      change_set_rows(r.histogram("contractsync_relay_change_set_rows",
                                  "Rows per received change set", row_buckets())),
      errors_database(
          r.counter("contractsync_relay_errors_total", "Errors by kind", {{"kind", "database"}})),
      errors_protocol(
          r.counter("contractsync_relay_errors_total", "Errors by kind", {{"kind", "protocol"}})),
      errors_frame_too_big(r.counter("contractsync_relay_errors_total", "Errors by kind",
                                     {{"kind", "message_too_big"}})),
      errors_internal(
          r.counter("contractsync_relay_errors_total", "Errors by kind", {{"kind", "internal"}})),
      sessions_replaced(r.counter("contractsync_relay_sessions_replaced_total",
                                  "Agent sessions closed because a newer one took over the site")),
      sessions_closed_revoked(r.counter("contractsync_relay_sessions_revoked_total",
                                        "Agent sessions closed because their key was revoked")),
      retention_rows_deleted(r.counter("contractsync_relay_retention_deleted_rows_total",
                                       "Rows removed by the retention job")),
      quota_refused_entities(r.counter("contractsync_relay_quota_refusals_total",
                                       "Agent messages refused by a per-site quota, by quota",
                                       {{"quota", "entities"}})),
      quota_refused_streams(r.counter("contractsync_relay_quota_refusals_total",
                                      "Agent messages refused by a per-site quota, by quota",
                                      {{"quota", "streams"}})),
      failed_rows_pruned_entity(r.counter("contractsync_relay_failed_rows_pruned_total",
                                          "Oldest failed rows dropped to stay within a cap, by cap",
                                          {{"cap", "entity"}})),
      failed_rows_pruned_site(r.counter("contractsync_relay_failed_rows_pruned_total",
                                        "Oldest failed rows dropped to stay within a cap, by cap",
                                        {{"cap", "site"}})) {}

}  // namespace cs::relay::metrics

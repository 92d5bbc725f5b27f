#pragma once

// The database work of an agent session, one function per kind of job. Each
// runs on the blocking pool against the session's own connection; session.cpp
// schedules them and carries the results back to the connection's strand.

#include <optional>
#include <string>
#include <vector>

#include "relay/agent_link/protocol/frame.hpp"
#include "relay/apply/engine.hpp"
#include "relay/config/config.hpp"
#include "relay/db/pool.hpp"
#include "relay/metrics/relay_metrics.hpp"
#include "relay/sites/sites.hpp"

namespace cs::relay::agent_link {

// The session's database connection: holds the site's advisory lock for the
// whole session and applies its change sets within the site's quotas.
struct SiteLease {
    SiteLease(db::Pool::Lease l, const LimitsConfig& limits)
        : lease(std::move(l)),
          quotas{limits.max_entities_per_site, limits.max_streams_per_site},
          applier(*lease, quotas) {}
    db::Pool::Lease lease;
    apply::SiteQuotas quotas;
    apply::Applier applier;
    bool locked = false;
};

struct WelcomeData {
    // Instead of a welcome: the key was revoked (4003), or a stream of the
    // hello would take the site past its stream quota (4005).
    std::optional<CloseAction> refusal;
    std::vector<StreamPosition> streams;
    std::vector<Command> commands;
};

// Once the lock is held: re-checks the key (a revocation may have raced the
// upgrade) and the stream quota, marks the site online, reads stream positions
// and pending commands.
Expected<WelcomeData> load_welcome(SiteLease& lease, const sites::SiteIdentity& site,
                                   const std::string& session_id, const std::string& instance,
                                   const Hello& hello, const std::string& address,
                                   int liveness_seconds);

struct ApplyResult {
    std::optional<Expected<apply::ApplyOutcome>> outcome;  // unset when `close` is
    std::string stream_id;
    std::uint64_t sequence = 0;
    std::optional<CloseAction> close;
};

// Applies a prepared set, or rejects one prepare() refused: with an ack when
// its stream and sequence can be read, otherwise with a 4000 close. A set for
// a new stream past the site's stream quota closes with 4005.
ApplyResult apply_frame(SiteLease& lease, const apply::SiteRef& site, const std::string& frame,
                        const Expected<apply::PreparedChangeSet>& prepared,
                        const wire::Limits& limits);

struct ControlResult {
    Status status;
    std::vector<Command> commands;  // to send (after a heartbeat)
};

// `stream_id` is the agent's stream (hello.agent_id), which keys failed rows;
// `limits` caps them (failed rows dropped by a cap are counted in `counters`).
ControlResult store_control(db::Connection& conn, const sites::SiteIdentity& site,
                            const std::string& session_id, const std::string& stream_id,
                            const ControlMessage& message, const LimitsConfig& limits,
                            metrics::RelayMetrics& counters);

// The periodic retry of parked children; returns how many were applied.
Expected<std::uint64_t> retry_parked(SiteLease& lease, const apply::SiteRef& site);

// Counts a close the relay sends because of what the agent sent (by code).
void count_refusal(metrics::RelayMetrics& m, std::uint16_t code);

// Counts an acknowledged set in the relay's metrics.
void count_outcome(metrics::RelayMetrics& m, const apply::ApplyOutcome& outcome, std::size_t rows,
                   double seconds);

}  // namespace cs::relay::agent_link

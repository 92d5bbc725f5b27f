#pragma once

#include <cstdint>
#include <string>

#include "common/base/expected.hpp"
#include "relay/apply/prepare.hpp"
#include "relay/apply/quotas.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::apply {

enum class Verdict { applied, duplicate, rejected };
std::string_view to_string(Verdict verdict);

// What applying one change set did; becomes the agent's ack.
struct ApplyOutcome {
    Verdict verdict = Verdict::applied;
    std::string error;        // why, when rejected
    bool conflict = false;    // rejected because the sequence was reused with new content
    bool over_quota = false;  // rejected: a new entity past SiteQuotas::max_entities
    std::uint64_t inserted = 0;
    std::uint64_t updated = 0;
    std::uint64_t deleted = 0;
    std::uint64_t unchanged = 0;          // live rows whose data hash was already stored
    std::uint64_t parked = 0;             // children waiting for a parent
    std::uint64_t released = 0;           // earlier parked children applied now
    std::uint64_t skipped_sequences = 0;  // gap before this set (agent quarantine)
    std::uint64_t rows_changed() const { return inserted + updated + deleted; }
};

// Applies change sets for one connection. Each set is one transaction that locks
// its stream row, checks the exactly-once ledger (applied_change_sets), stages
// the rows with COPY and changes records set-based, then records the sequence.
//
// The returned Error is never a verdict: it means "not applied, do not
// acknowledge" (database unavailable, or a relay-side fault); the agent sends
// the set again later. ErrorCode::limit_exceeded among them: the set's stream
// is new and the site is at SiteQuotas::max_streams (the session closes with
// 4005). Rejections are outcomes, with an alert row written.
class Applier {
public:
    explicit Applier(db::Connection& conn, SiteQuotas quotas = {}) : conn_(conn), quotas_(quotas) {}

    Expected<ApplyOutcome> apply(const SiteRef& site, const PreparedChangeSet& set);

    // Acknowledges a set that prepare() refused: records the alert and returns
    // the rejected outcome (nothing is applied).
    Expected<ApplyOutcome> reject_unprepared(const SiteRef& site, const FrameIdentity& identity,
                                             const Error& why);

    // Applies parked children whose parents exist now (the periodic retry).
    Expected<std::uint64_t> release_pending(const SiteRef& site);

    // Whether the site has parked children at all (cheap; for the timer).
    Expected<bool> has_pending(const SiteRef& site);

private:
    Status ensure_staging();
    Expected<ApplyOutcome> apply_in_transaction(const SiteRef& site, const PreparedChangeSet& set);
    // The general path: stage, park orphans, upsert, soft-delete.
    Status apply_staged(const SiteRef& site, const PreparedChangeSet& set, bool parked_before,
                        ApplyOutcome& outcome);
    Expected<ApplyOutcome> reject(const SiteRef& site, const PreparedChangeSet& set,
                                  ApplyOutcome outcome, std::string kind);

    db::Connection& conn_;
    SiteQuotas quotas_;
    bool staging_ready_ = false;
};

}  // namespace cs::relay::apply

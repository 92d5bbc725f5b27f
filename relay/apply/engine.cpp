#include "relay/apply/engine.hpp"

#include <fmt/format.h>

#include "common/text/hex.hpp"
#include "common/text/json_string.hpp"
#include "relay/apply/engine_steps.hpp"
#include "relay/apply/events.hpp"

namespace cs::relay::apply {
namespace {

// A set-specific failure that no retry can fix: rejected, not retried. Anything
// else (lost connection, timeouts, a relay-side fault) must not be acknowledged.
bool is_rejection(const Error& e) {
    return e.code == ErrorCode::invalid_argument;
}

std::string event_details(const PreparedChangeSet& set) {
    std::string out = "{\"entity\":";
    text::append_json_string(out, set.entity);
    out += fmt::format(R"(,"digest":"{}","rows":{}}})", set.content_digest.to_hex(), set.row_count);
    return out;
}

}  // namespace

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::applied:
            return "applied";
        case Verdict::duplicate:
            return "duplicate";
        case Verdict::rejected:
            return "rejected";
    }
    return "unknown";
}

Status Applier::ensure_staging() {
    if (staging_ready_) {
        return ok();
    }
    if (auto s = steps::create_staging(conn_); !s) {
        return s;
    }
    staging_ready_ = true;
    return ok();
}

Expected<ApplyOutcome> Applier::apply(const SiteRef& site, const PreparedChangeSet& set) {
    if (auto s = ensure_staging(); !s) {
        return std::move(s).error();
    }
    auto outcome = apply_in_transaction(site, set);
    if (!outcome && is_rejection(outcome.error())) {
        // The transaction rolled back; PostgreSQL refused this set's content.
        ApplyOutcome rejected;
        rejected.verdict = Verdict::rejected;
        rejected.error = outcome.error().message;
        return reject(site, set, std::move(rejected), "rejected");
    }
    if (outcome && outcome->verdict == Verdict::rejected) {
        std::string kind = outcome->conflict     ? "conflict"
                           : outcome->over_quota ? "quota"
                                                 : "out_of_order";
        return reject(site, set, std::move(*outcome), std::move(kind));
    }
    return outcome;
}

Expected<ApplyOutcome> Applier::apply_in_transaction(const SiteRef& site,
                                                     const PreparedChangeSet& set) {
    if (set.site.tenant_id != site.tenant_id || set.site.site_id != site.site_id) {
        return make_error(ErrorCode::internal, "change set {} was prepared for another site",
                          set.sequence);
    }
    auto tx = db::Transaction::begin(conn_);
    if (!tx) {
        return std::move(tx).error();
    }
    auto stream = steps::lock_stream(conn_, site, set.stream_id, quotas_.max_streams);
    if (!stream) {
        return std::move(stream).error();
    }
    ApplyOutcome outcome;
    if (stream->site_id != site.site_id) {
        outcome.verdict = Verdict::rejected;
        outcome.error = fmt::format("stream {} belongs to another site", set.stream_id);
        return outcome;
    }
    if (set.sequence <= stream->last_sequence) {
        auto digest = steps::recorded_digest(conn_, site, set);
        if (!digest) {
            return std::move(digest).error();
        }
        std::string received(reinterpret_cast<const char*>(set.content_digest.bytes.data()), 16);
        if (*digest && **digest == received) {
            outcome.verdict = Verdict::duplicate;
        } else if (*digest) {
            outcome.verdict = Verdict::rejected;
            outcome.conflict = true;
            outcome.error = fmt::format(
                "conflict: sequence {} of stream {} was already applied with different content "
                "(stored digest {}, received {})",
                set.sequence, set.stream_id, text::to_hex(**digest), set.content_digest.to_hex());
        } else if (set.sequence <= stream->pruned_through) {
            // Applied so long ago that the ledger entry was pruned; the stream
            // moved past it, so it is a resend of something already applied.
            outcome.verdict = Verdict::duplicate;
        } else {
            outcome.verdict = Verdict::rejected;
            outcome.error = fmt::format(
                "sequence {} arrived after the stream already applied sequence {} and was never "
                "applied itself; applying it now would break the stream's order",
                set.sequence, stream->last_sequence);
        }
        return outcome;
    }
    auto refused = refuse_new_entity(conn_, site, set.entity, quotas_.max_entities);
    if (!refused) {
        return std::move(refused).error();
    }
    if (*refused) {
        outcome.verdict = Verdict::rejected;
        outcome.over_quota = true;
        outcome.error = std::move(**refused);
        return outcome;  // rolled back: not even the stream moves on
    }
    outcome.skipped_sequences = set.sequence - stream->last_sequence - 1;

    // Probing pending_children for every row is wasted work when the entity has
    // nothing parked, which is the usual case.
    auto parked_before = steps::has_parked(conn_, site, set.entity);
    if (!parked_before) {
        return std::move(parked_before).error();
    }
    bool bulk_done = false;
    if (set.all_inserts && set.rows_with_parent == 0 && !*parked_before) {
        auto bulk = steps::bulk_insert(conn_, set);
        if (!bulk) {
            return std::move(bulk).error();
        }
        bulk_done = *bulk;
        outcome.inserted = bulk_done ? set.live_rows : 0;
    }
    if (!bulk_done) {
        if (auto s = apply_staged(site, set, *parked_before, outcome); !s) {
            return std::move(s).error();
        }
    }
    auto released = steps::release(conn_, site, set.entity);
    if (!released) {
        return std::move(released).error();
    }
    outcome.released = released->inserted + released->updated;
    if (outcome.skipped_sequences > 0) {
        Event gap{site.tenant_id,
                  site.site_id,
                  "sequence_gap",
                  "info",
                  set.stream_id,
                  set.sequence,
                  fmt::format("stream {} skipped {} sequence(s) before {} (quarantined by the "
                              "agent)",
                              set.stream_id, outcome.skipped_sequences, set.sequence),
                  event_details(set)};
        if (auto s = record_event(conn_, gap); !s) {
            return std::move(s).error();
        }
    }
    if (auto s = steps::record_applied(conn_, site, set, outcome); !s) {
        return std::move(s).error();
    }
    if (auto s = tx->commit(); !s) {
        return std::move(s).error();
    }
    return outcome;
}

Status Applier::apply_staged(const SiteRef& site, const PreparedChangeSet& set, bool parked_before,
                             ApplyOutcome& outcome) {
    if (auto staged = steps::stage(conn_, set); !staged) {
        return std::move(staged).error();
    }
    if (!set.parent_entity.empty() && set.rows_with_parent > 0) {
        auto parked = steps::park_orphans(conn_, site, set);
        if (!parked) {
            return std::move(parked).error();
        }
        outcome.parked = *parked;
    }
    if (parked_before) {
        if (auto s = steps::drop_superseded(conn_, site, set); !s) {
            return s;
        }
    }
    if (set.live_rows > outcome.parked) {
        auto up = steps::upsert(conn_, site, set);
        if (!up) {
            return std::move(up).error();
        }
        outcome.inserted = up->inserted;
        outcome.updated = up->updated;
        outcome.unchanged = set.live_rows - outcome.parked - up->inserted - up->updated;
    }
    if (set.removes > 0) {
        auto del = steps::soft_delete(conn_, site, set);
        if (!del) {
            return std::move(del).error();
        }
        outcome.deleted = *del;
    }
    return ok();
}

Expected<ApplyOutcome> Applier::reject(const SiteRef& site, const PreparedChangeSet& set,
                                       ApplyOutcome outcome, std::string kind) {
    // Written after the rollback, on its own: the alert must survive even though
    // nothing of the set does. If it cannot be written, nothing is acknowledged
    // and the agent's resend raises it again.
    Event alert{site.tenant_id, site.site_id, std::move(kind), "alert",
                set.stream_id,  set.sequence, outcome.error,   event_details(set)};
    if (auto s = record_event(conn_, alert); !s) {
        return std::move(s).error();
    }
    return outcome;
}

Expected<ApplyOutcome> Applier::reject_unprepared(const SiteRef& site,
                                                  const FrameIdentity& identity, const Error& why) {
    ApplyOutcome outcome;
    outcome.verdict = Verdict::rejected;
    outcome.error = why.message;
    Event alert{site.tenant_id,
                site.site_id,
                "rejected",
                "alert",
                identity.stream_id,
                identity.sequence,
                "malformed change set: " + why.message};
    if (auto s = record_event(conn_, alert); !s) {
        return std::move(s).error();
    }
    return outcome;
}

Expected<bool> Applier::has_pending(const SiteRef& site) {
    auto r = conn_.query("checking parked rows",
                         "SELECT EXISTS (SELECT 1 FROM pending_children WHERE tenant_id = $1::uuid "
                         "AND site_id = $2::uuid)",
                         db::Params().text(site.tenant_id).text(site.site_id));
    if (!r) {
        return std::move(r).error();
    }
    return r->boolean(0, 0);
}

Expected<std::uint64_t> Applier::release_pending(const SiteRef& site) {
    auto tx = db::Transaction::begin(conn_);
    if (!tx) {
        return std::move(tx).error();
    }
    auto released = steps::release(conn_, site, "");
    if (!released) {
        return std::move(released).error();
    }
    if (auto s = tx->commit(); !s) {
        return std::move(s).error();
    }
    return released->inserted + released->updated;
}

}  // namespace cs::relay::apply

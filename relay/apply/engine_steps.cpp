#include "relay/apply/engine_steps.hpp"

#include <fmt/format.h>

namespace cs::relay::apply::steps {
namespace {

std::string_view hash_bytes(const Hash128& h) {
    return {reinterpret_cast<const char*>(h.bytes.data()), h.bytes.size()};
}

// $1 tenant, $2 site, $3 entity, $4 sequence, $5 stream, and $6 parent entity
// when `with_parent` (PostgreSQL refuses parameters a statement does not use).
db::Params set_params(const SiteRef& site, const PreparedChangeSet& set, bool with_parent = false) {
    db::Params p;
    p.text(site.tenant_id)
        .text(site.site_id)
        .text(set.entity)
        .integer(static_cast<std::int64_t>(set.sequence))
        .text(set.stream_id);
    if (with_parent) {
        p.text(set.parent_entity);
    }
    return p;
}

// The upsert both the change set and the pending-children release use: only a
// changed data hash or a deleted record is written, so re-sent rows cost nothing.
constexpr std::string_view kUpsertTail = R"sql(
    ON CONFLICT (tenant_id, site_id, entity, bk_hash) DO UPDATE SET
        parent_bk_hash = EXCLUDED.parent_bk_hash, data = EXCLUDED.data,
        data_hash = EXCLUDED.data_hash, rowversion = EXCLUDED.rowversion, deleted = false,
        last_changed_at = EXCLUDED.last_changed_at, last_sequence = EXCLUDED.last_sequence
    WHERE r.data_hash <> EXCLUDED.data_hash OR r.deleted
    -- xmax is 0 only on a freshly inserted tuple: tells inserts from updates.
    RETURNING r.entity, r.bk_hash, r.data_hash, r.last_sequence, (r.xmax = 0) AS inserted)sql";

// The data an updated record had before this statement, for change_log.old_data
// (the field-level history). Every part of one statement reads the snapshot
// taken before any of it ran, so this lookup sees the version the upsert
// replaced. A correlated subquery, not a join: the planner cannot turn it into
// a scan of the entity's records (a join measured half again slower), and a
// row the upsert inserted is not looked up.
constexpr std::string_view kOldData =
    "CASE WHEN up.inserted THEN NULL ELSE (SELECT o.data FROM records o WHERE o.tenant_id = "
    "$1::uuid AND o.site_id = $2::uuid AND o.entity = up.entity AND o.bk_hash = up.bk_hash) END";

Expected<UpsertCounts> counts(Expected<db::Result> r) {
    if (!r) {
        return std::move(r).error();
    }
    return UpsertCounts{static_cast<std::uint64_t>(r->integer(0, 0)),
                        static_cast<std::uint64_t>(r->integer(0, 1))};
}

}  // namespace

Status create_staging(db::Connection& conn) {
    // Temporary: no WAL, private to the session. temp_buffers must be set before
    // the session first touches a temporary table; larger buffers keep a big
    // change set in memory instead of spilling to temp files.
    auto r = conn.exec("creating the staging table", R"sql(
        SET temp_buffers = '64MB';
        CREATE TEMP TABLE IF NOT EXISTS cs_stage (
            tenant_id       uuid NOT NULL,
            site_id         uuid NOT NULL,
            entity          text NOT NULL,
            bk_hash         bytea NOT NULL,
            parent_bk_hash  bytea,
            data            jsonb,          -- null: the row is removed
            data_hash       bytea,
            rowversion      text,
            last_sequence   bigint NOT NULL
        ) ON COMMIT DELETE ROWS)sql");
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

Expected<StreamState> lock_stream(db::Connection& conn, const SiteRef& site,
                                  std::string_view stream_id, std::size_t max_streams) {
    auto lock = [&] {
        return conn.query("locking the stream",
                          "SELECT site_id, last_sequence, pruned_through FROM streams "
                          "WHERE tenant_id = $1::uuid AND stream_id = $2::uuid FOR UPDATE",
                          db::Params().text(site.tenant_id).text(stream_id));
    };
    auto r = lock();
    if (r && r->rows() == 0) {
        // A new stream: the only moment the site's stream quota is checked.
        auto refused = refuse_new_streams(conn, site, {std::string(stream_id)}, max_streams);
        if (!refused) {
            return std::move(refused).error();
        }
        if (*refused) {
            return Error{ErrorCode::limit_exceeded, std::move(**refused)};
        }
        auto created =
            conn.query("registering the stream",
                       "INSERT INTO streams (tenant_id, stream_id, site_id) VALUES "
                       "($1::uuid, $2::uuid, $3::uuid) ON CONFLICT DO NOTHING",
                       db::Params().text(site.tenant_id).text(stream_id).text(site.site_id));
        if (!created) {
            return std::move(created).error();
        }
        r = lock();
    }
    if (!r) {
        return std::move(r).error();
    }
    return StreamState{std::string(r->text(0, 0)), static_cast<std::uint64_t>(r->integer(0, 1)),
                       static_cast<std::uint64_t>(r->integer(0, 2))};
}

Expected<std::optional<std::string>> recorded_digest(db::Connection& conn, const SiteRef& site,
                                                     const PreparedChangeSet& set) {
    auto r = conn.query("checking the ledger",
                        "SELECT content_digest FROM applied_change_sets WHERE tenant_id = $1::uuid "
                        "AND stream_id = $2::uuid AND sequence = $3::bigint",
                        db::Params()
                            .text(site.tenant_id)
                            .text(set.stream_id)
                            .integer(static_cast<std::int64_t>(set.sequence)));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return std::optional<std::string>();
    }
    return std::optional<std::string>(r->bytea(0, 0));
}

Expected<std::int64_t> stage(db::Connection& conn, const PreparedChangeSet& set) {
    return conn.copy_in(
        "staging rows",
        fmt::format("COPY cs_stage ({}) FROM STDIN (FORMAT binary)", kRecordColumns),
        set.copy_data);
}

Expected<bool> bulk_insert(db::Connection& conn, const PreparedChangeSet& set) {
    // A savepoint lets a failed attempt fall back to the staging path inside the
    // same transaction (the stream lock stays held).
    if (auto r = conn.query("bulk insert", "SAVEPOINT cs_bulk"); !r) {
        return std::move(r).error();
    }
    auto copied = conn.copy_in(
        "bulk inserting records",
        fmt::format("COPY records ({}) FROM STDIN (FORMAT binary)", kRecordColumns), set.copy_data);
    if (!copied) {
        constexpr std::string_view kUniqueViolation = "23505";
        if (conn.last_sqlstate() != kUniqueViolation) {
            return std::move(copied).error();
        }
        if (auto r = conn.query("bulk insert", "ROLLBACK TO SAVEPOINT cs_bulk"); !r) {
            return std::move(r).error();
        }
        return false;  // some row exists already: the agent's "insert" was a resend
    }
    auto logged = conn.copy_in(
        "bulk logging changes",
        fmt::format("COPY change_log ({}) FROM STDIN (FORMAT binary)", kLogColumns), set.log_data);
    if (!logged) {
        return std::move(logged).error();
    }
    if (auto r = conn.query("bulk insert", "RELEASE SAVEPOINT cs_bulk"); !r) {
        return std::move(r).error();
    }
    return true;
}

Expected<std::uint64_t> park_orphans(db::Connection& conn, const SiteRef& site,
                                     const PreparedChangeSet& set) {
    auto r = conn.query("parking children without parents", R"sql(
        WITH parked AS (
            DELETE FROM cs_stage s
            WHERE s.data IS NOT NULL AND s.parent_bk_hash IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM records p
                              WHERE p.tenant_id = $1::uuid AND p.site_id = $2::uuid
                                AND p.entity = $6 AND p.bk_hash = s.parent_bk_hash
                                AND NOT p.deleted)
            RETURNING s.bk_hash, s.parent_bk_hash, s.data, s.data_hash, s.rowversion)
        INSERT INTO pending_children AS pc (tenant_id, site_id, entity, bk_hash, parent_entity,
            parent_bk_hash, data, data_hash, rowversion, stream_id, sequence, parked_at)
        SELECT $1::uuid, $2::uuid, $3, bk_hash, $6, parent_bk_hash, data, data_hash, rowversion,
               $5::uuid, $4::bigint, now() FROM parked
        ON CONFLICT (tenant_id, site_id, entity, bk_hash) DO UPDATE SET
            parent_entity = EXCLUDED.parent_entity, parent_bk_hash = EXCLUDED.parent_bk_hash,
            data = EXCLUDED.data, data_hash = EXCLUDED.data_hash,
            rowversion = EXCLUDED.rowversion, stream_id = EXCLUDED.stream_id,
            sequence = EXCLUDED.sequence, parked_at = EXCLUDED.parked_at)sql",
                        set_params(site, set, true));
    if (!r) {
        return std::move(r).error();
    }
    return static_cast<std::uint64_t>(r->affected());
}

Expected<bool> has_parked(db::Connection& conn, const SiteRef& site, std::string_view entity) {
    auto r = conn.query("checking parked rows",
                        "SELECT EXISTS (SELECT 1 FROM pending_children WHERE tenant_id = $1::uuid "
                        "AND site_id = $2::uuid AND entity = $3)",
                        db::Params().text(site.tenant_id).text(site.site_id).text(entity));
    if (!r) {
        return std::move(r).error();
    }
    return r->boolean(0, 0);
}

Status drop_superseded(db::Connection& conn, const SiteRef& site, const PreparedChangeSet& set) {
    auto r = conn.query("dropping superseded parked rows",
                        "DELETE FROM pending_children p USING cs_stage s WHERE p.tenant_id = "
                        "$1::uuid AND p.site_id = $2::uuid AND p.entity = $3 AND "
                        "p.bk_hash = s.bk_hash",
                        db::Params().text(site.tenant_id).text(site.site_id).text(set.entity));
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

Expected<UpsertCounts> upsert(db::Connection& conn, const SiteRef& site,
                              const PreparedChangeSet& set) {
    auto sql = fmt::format(R"sql(
        WITH up AS (
            INSERT INTO records AS r (tenant_id, site_id, entity, bk_hash, parent_bk_hash, data,
                data_hash, rowversion, deleted, first_changed_at, last_changed_at, last_sequence)
            SELECT s.tenant_id, s.site_id, s.entity, s.bk_hash, s.parent_bk_hash, s.data,
                   s.data_hash, s.rowversion, false, now(), now(), s.last_sequence
            FROM cs_stage s WHERE s.data IS NOT NULL
            {}),
        logged AS (
            INSERT INTO change_log (tenant_id, site_id, stream_id, sequence, entity, bk_hash, op,
                                    data_hash, changed_at, old_data)
            SELECT $1::uuid, $2::uuid, $5::uuid, $4::bigint, $3, up.bk_hash,
                   CASE WHEN up.inserted THEN 'i' ELSE 'u' END, up.data_hash, now(), {}
            FROM up)
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up)sql",
                           kUpsertTail, kOldData);
    auto p = set_params(site, set);
    return counts(conn.query("upserting records", sql, p));
}

Expected<std::uint64_t> soft_delete(db::Connection& conn, const SiteRef& site,
                                    const PreparedChangeSet& set) {
    auto r = conn.query("deleting records", R"sql(
        WITH del AS (
            UPDATE records r SET deleted = true, last_changed_at = now(),
                   last_sequence = $4::bigint, rowversion = COALESCE(s.rowversion, r.rowversion)
            FROM cs_stage s
            WHERE s.data IS NULL AND r.tenant_id = $1::uuid AND r.site_id = $2::uuid
              AND r.entity = $3 AND r.bk_hash = s.bk_hash AND NOT r.deleted
            RETURNING r.bk_hash),
        logged AS (
            INSERT INTO change_log (tenant_id, site_id, stream_id, sequence, entity, bk_hash, op,
                                    data_hash, changed_at)
            SELECT $1::uuid, $2::uuid, $5::uuid, $4::bigint, $3, bk_hash, 'd', NULL, now()
            FROM del)
        SELECT count(*) FROM del)sql",
                        set_params(site, set));
    if (!r) {
        return std::move(r).error();
    }
    return static_cast<std::uint64_t>(r->integer(0, 0));
}

Expected<UpsertCounts> release(db::Connection& conn, const SiteRef& site,
                               std::string_view parent_entity) {
    auto sql = fmt::format(R"sql(
        WITH ready AS (
            DELETE FROM pending_children pc
            WHERE pc.tenant_id = $1::uuid AND pc.site_id = $2::uuid {}
              AND EXISTS (SELECT 1 FROM records p
                          WHERE p.tenant_id = pc.tenant_id AND p.site_id = pc.site_id
                            AND p.entity = pc.parent_entity AND p.bk_hash = pc.parent_bk_hash
                            AND NOT p.deleted)
            RETURNING pc.*),
        up AS (
            INSERT INTO records AS r (tenant_id, site_id, entity, bk_hash, parent_bk_hash, data,
                data_hash, rowversion, deleted, first_changed_at, last_changed_at, last_sequence)
            SELECT tenant_id, site_id, entity, bk_hash, parent_bk_hash, data, data_hash,
                   rowversion, false, now(), now(), sequence
            FROM ready
            {}),
        logged AS (
            INSERT INTO change_log (tenant_id, site_id, stream_id, sequence, entity, bk_hash, op,
                                    data_hash, changed_at, old_data)
            SELECT $1::uuid, $2::uuid, ready.stream_id, up.last_sequence, up.entity, up.bk_hash,
                   CASE WHEN up.inserted THEN 'i' ELSE 'u' END, up.data_hash, now(), {}
            FROM up JOIN ready USING (entity, bk_hash))
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up)sql",
                           parent_entity.empty() ? "" : "AND pc.parent_entity = $3", kUpsertTail,
                           kOldData);
    db::Params p;
    p.text(site.tenant_id).text(site.site_id);
    if (!parent_entity.empty()) {
        p.text(parent_entity);
    }
    return counts(conn.query("applying parked children", sql, p));
}

Status record_applied(db::Connection& conn, const SiteRef& site, const PreparedChangeSet& set,
                      const ApplyOutcome& outcome) {
    auto r = conn.query(
        "recording the applied change set",
        "INSERT INTO applied_change_sets (tenant_id, stream_id, sequence, site_id, entity, run_id, "
        "content_digest, row_count, rows_changed, rows_parked, created_at) VALUES ($1::uuid, "
        "$2::uuid, $3::bigint, $4::uuid, $5, $6, $7, $8::int, $9::int, $10::int, "
        "timestamptz 'epoch' + $11::bigint * interval '1 microsecond')",
        db::Params()
            .text(site.tenant_id)
            .text(set.stream_id)
            .integer(static_cast<std::int64_t>(set.sequence))
            .text(site.site_id)
            .text(set.entity)
            .text(set.run_id)
            .bytea(hash_bytes(set.content_digest))
            .integer(static_cast<std::int64_t>(set.row_count))
            .integer(static_cast<std::int64_t>(outcome.rows_changed() + outcome.released))
            .integer(static_cast<std::int64_t>(outcome.parked))
            .integer(set.created_at_us));
    if (!r) {
        return std::move(r).error();
    }
    auto s = conn.query("advancing the stream",
                        "UPDATE streams SET last_sequence = $3::bigint, last_applied_at = now(), "
                        "gaps = gaps + $4::bigint WHERE tenant_id = $1::uuid AND stream_id = "
                        "$2::uuid",
                        db::Params()
                            .text(site.tenant_id)
                            .text(set.stream_id)
                            .integer(static_cast<std::int64_t>(set.sequence))
                            .integer(outcome.skipped_sequences > 0 ? 1 : 0));
    if (!s) {
        return std::move(s).error();
    }
    return ok();
}

}  // namespace cs::relay::apply::steps

#include "relay/agent_link/site_store.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace cs::relay::agent_link::store {
namespace {

using nlohmann::json;

Status done(Expected<db::Result> r) {
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

// 64-bit advisory lock key for a site (the bigint key space; collisions between
// two sites would only serialise them, never mix their data).
constexpr std::string_view kLockKey = "hashtextextended('contractsync.site:' || $1, 0)";

json optional_json(const std::optional<std::string>& s) {
    return s ? json(*s) : json(nullptr);
}

}  // namespace

Expected<bool> try_lock_site(db::Connection& conn, const std::string& site_id) {
    auto r =
        conn.query("taking the site lock", fmt::format("SELECT pg_try_advisory_lock({})", kLockKey),
                   db::Params().text(site_id));
    if (!r) {
        return std::move(r).error();
    }
    return r->boolean(0, 0);
}

Status unlock_site(db::Connection& conn, const std::string& site_id) {
    return done(conn.query("releasing the site lock",
                           fmt::format("SELECT pg_advisory_unlock({})", kLockKey),
                           db::Params().text(site_id)));
}

Status announce_takeover(db::Connection& conn, const std::string& site_id,
                         const std::string& session_id) {
    return done(conn.query("announcing the takeover", "SELECT pg_notify($1, $2)",
                           db::Params().text(kTakeoverChannel).text(site_id + " " + session_id)));
}

Expected<std::vector<StreamPosition>> stream_positions(db::Connection& conn,
                                                       const sites::SiteIdentity& site,
                                                       const std::vector<std::string>& streams) {
    std::vector<StreamPosition> out;
    for (const auto& stream : streams) {
        auto r = conn.query("reading the stream position",
                            "SELECT last_sequence FROM streams WHERE tenant_id = $1::uuid AND "
                            "stream_id = $2::uuid AND site_id = $3::uuid",
                            db::Params().text(site.tenant_id).text(stream).text(site.site_id));
        if (!r) {
            return std::move(r).error();
        }
        out.push_back({stream, r->rows() == 0 ? 0 : static_cast<std::uint64_t>(r->integer(0, 0))});
    }
    return out;
}

Expected<bool> key_active(db::Connection& conn, const sites::SiteIdentity& site) {
    auto keys = sites::active_key_ids(conn, site.tenant_id, site.site_id);
    if (!keys) {
        return std::move(keys).error();
    }
    return std::find(keys->begin(), keys->end(), site.key_id) != keys->end();
}

Status mark_online(db::Connection& conn, const sites::SiteIdentity& site,
                   const std::string& session_id, const std::string& instance, const Hello& hello,
                   const std::string& address, int liveness_seconds) {
    // The previous session of this site (if its relay died unseen) ends now.
    return done(conn.query(
        "marking the site online",
        "WITH closed AS (UPDATE site_connections SET disconnected_at = now() WHERE tenant_id = "
        "$1::uuid AND site_id = $2::uuid AND disconnected_at IS NULL), "
        "opened AS (INSERT INTO site_connections (tenant_id, session_id, site_id, relay_instance, "
        "address, agent_version, host) VALUES ($1::uuid, $3::uuid, $2::uuid, $4, $9, $6, $7)) "
        "UPDATE sites SET online = true, session_id = $3::uuid, relay_instance = $4, "
        "connected_at = now(), last_seen_at = now(), agent_id = $5, agent_version = $6, "
        "host = $7, os = $8, liveness_seconds = $10::int WHERE tenant_id = $1::uuid AND "
        "site_id = $2::uuid",
        db::Params()
            .text(site.tenant_id)
            .text(site.site_id)
            .text(session_id)
            .text(instance)
            .text(hello.agent_id)
            .text(hello.agent_version)
            .text(hello.host)
            .text(hello.os)
            .text(address)
            .integer(liveness_seconds)));
}

Status mark_offline(db::Connection& conn, const sites::SiteIdentity& site,
                    const std::string& session_id) {
    return done(conn.query("marking the site offline",
                           "WITH closed AS (UPDATE site_connections SET disconnected_at = "
                           "coalesce(disconnected_at, now()) WHERE tenant_id = $1::uuid AND "
                           "session_id = $3::uuid) UPDATE sites SET online = false WHERE "
                           "tenant_id = $1::uuid AND site_id = $2::uuid AND session_id = $3::uuid",
                           db::Params().text(site.tenant_id).text(site.site_id).text(session_id)));
}

Status touch_online(db::Connection& conn, const sites::SiteIdentity& site,
                    const std::string& session_id) {
    return done(conn.query("marking the site online",
                           "UPDATE sites SET online = true, last_seen_at = now() WHERE tenant_id = "
                           "$1::uuid AND site_id = $2::uuid AND session_id = $3::uuid",
                           db::Params().text(site.tenant_id).text(site.site_id).text(session_id)));
}

Status record_heartbeat(db::Connection& conn, const sites::SiteIdentity& site,
                        const std::string& session_id, const Heartbeat& heartbeat) {
    // The latest status on the site, and the beat counted in its minute of the
    // history; both only while this session holds the site.
    return done(conn.query(
        "storing the heartbeat",
        "WITH site AS (UPDATE sites SET status = $4::jsonb, status_at = now(), last_seen_at = "
        "now(), online = true WHERE tenant_id = $1::uuid AND site_id = $2::uuid AND session_id = "
        "$3::uuid RETURNING tenant_id, site_id, status) "
        "INSERT INTO site_heartbeats AS h (tenant_id, site_id, minute, beats, last_at, "
        "outbox_depth, outbox_oldest_seconds) SELECT tenant_id, site_id, date_trunc('minute', "
        "now()), 1, now(), cs_jsonb_bigint(status #> '{outbox,depth}'), "
        "cs_jsonb_bigint(status #> '{outbox,oldest_age_seconds}') FROM site "
        "ON CONFLICT (tenant_id, site_id, minute) DO UPDATE SET beats = h.beats + 1, last_at = "
        "excluded.last_at, outbox_depth = excluded.outbox_depth, outbox_oldest_seconds = "
        "excluded.outbox_oldest_seconds",
        db::Params()
            .text(site.tenant_id)
            .text(site.site_id)
            .text(session_id)
            .text(dump(heartbeat.status))));
}

Status record_run_report(db::Connection& conn, const sites::SiteIdentity& site,
                         const RunReport& r) {
    db::Params p;
    p.text(site.tenant_id)
        .text(site.site_id)
        .text(r.run_id)
        .text(r.entity)
        .text(r.status)
        .optional_text(r.started_at)
        .optional_text(r.finished_at)
        .text(dump(r.counts))
        .text(dump(r.durations))
        .optional_text(r.error)
        .text(dump(r.message));
    // A resent report (after a reconnect) replaces the earlier copy.
    return done(conn.query(
        "storing the run report",
        "INSERT INTO sync_runs (tenant_id, site_id, run_id, entity, status, started_at, "
        "finished_at, counts, durations, error, report) VALUES ($1::uuid, $2::uuid, $3, $4, $5, "
        "$6::timestamptz, $7::timestamptz, $8::jsonb, $9::jsonb, $10, $11::jsonb) "
        "ON CONFLICT (tenant_id, site_id, run_id, entity) DO UPDATE SET status = "
        "EXCLUDED.status, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, "
        "counts = EXCLUDED.counts, durations = EXCLUDED.durations, error = EXCLUDED.error, "
        "report = EXCLUDED.report, received_at = now()",
        p));
}

Expected<FailedRowsPruned> record_failed_rows(db::Connection& conn, const sites::SiteIdentity& site,
                                              const std::string& stream_id, const FailedRows& rows,
                                              const FailedRowCaps& caps) {
    json array = json::array();
    for (const auto& row : rows.rows) {
        array.push_back(
            {{"id", row.id},
             {"run_id", optional_json(row.run_id)},
             {"stage", optional_json(row.stage)},
             {"field", optional_json(row.field)},
             {"error", optional_json(row.error)},
             {"value", optional_json(row.value)},
             {"location", optional_json(row.location)},
             {"raw", optional_json(row.raw)},
             {"raw_truncated", row.raw_truncated},
             {"created_at_us", row.created_at_us ? json(*row.created_at_us) : json(nullptr)}});
    }
    auto tx = db::Transaction::begin(conn);
    if (!tx) {
        return std::move(tx).error();
    }
    // One statement for up to 500 rows: the array travels as a single parameter.
    // xmax is 0 only on a freshly inserted tuple: new rows, not refreshed ones.
    auto r = conn.query(
        "storing failed rows",
        "WITH stored AS (INSERT INTO failed_rows (tenant_id, site_id, stream_id, entity, row_id, "
        "run_id, stage, field, error, value, location, raw, raw_truncated, created_at) SELECT "
        "$1::uuid, $2::uuid, $3, $4, x.id, x.run_id, x.stage, x.field, x.error, x.value, "
        "x.location, x.raw, x.raw_truncated, timestamptz 'epoch' + x.created_at_us * "
        "interval '1 microsecond' "
        "FROM jsonb_to_recordset($5::jsonb) AS x(id text, run_id text, stage text, field text, "
        "error text, value text, location text, raw text, raw_truncated boolean, "
        "created_at_us bigint) "
        "ON CONFLICT (tenant_id, site_id, stream_id, entity, row_id) DO UPDATE SET run_id = "
        "EXCLUDED.run_id, stage = EXCLUDED.stage, field = EXCLUDED.field, error = "
        "EXCLUDED.error, value = EXCLUDED.value, location = EXCLUDED.location, raw = "
        "EXCLUDED.raw, raw_truncated = EXCLUDED.raw_truncated, created_at = EXCLUDED.created_at, "
        "received_at = now() RETURNING (xmax = 0) AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted) FROM stored",
        db::Params()
            .text(site.tenant_id)
            .text(site.site_id)
            .text(stream_id)
            .text(rows.entity)
            .text(dump(array)));
    if (!r) {
        return std::move(r).error();
    }
    auto trim = conn.query(
        "trimming failed rows",
        "DELETE FROM failed_rows WHERE ctid = ANY (ARRAY(SELECT ctid FROM failed_rows WHERE "
        "tenant_id = $1::uuid AND site_id = $2::uuid AND entity = $3 ORDER BY received_at DESC, "
        "row_id OFFSET $4::bigint))",
        db::Params()
            .text(site.tenant_id)
            .text(site.site_id)
            .text(rows.entity)
            .integer(static_cast<std::int64_t>(caps.per_entity)));
    if (!trim) {
        return std::move(trim).error();
    }
    FailedRowsPruned pruned;
    pruned.by_entity = static_cast<std::uint64_t>(trim->affected());
    auto site_params = [&] { return db::Params().text(site.tenant_id).text(site.site_id); };
    auto total = conn.query(
        "counting failed rows",
        "UPDATE sites SET failed_row_count = failed_row_count + $3::bigint "
        "WHERE tenant_id = $1::uuid AND site_id = $2::uuid "
        "RETURNING failed_row_count",
        site_params().integer(r->integer(0, 0) - static_cast<std::int64_t>(pruned.by_entity)));
    if (!total) {
        return std::move(total).error();
    }
    if (total->rows() == 0) {
        return make_error(ErrorCode::internal, "storing failed rows: site {} not found",
                          site.site_id);
    }
    auto excess = total->integer(0, 0) - static_cast<std::int64_t>(caps.per_site);
    if (excess > 0) {
        // The oldest of the whole site, read off failed_rows_by_site_age; the
        // count tells how many, so nothing is counted here.
        auto site_trim = conn.query(
            "trimming the site's failed rows",
            "WITH pruned AS (DELETE FROM failed_rows WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
            "failed_rows WHERE tenant_id = $1::uuid AND site_id = $2::uuid ORDER BY received_at, "
            "row_id DESC LIMIT $3::bigint)) RETURNING 1), gone AS (SELECT count(*) AS n FROM "
            "pruned) UPDATE sites SET failed_row_count = failed_row_count - gone.n FROM gone "
            "WHERE tenant_id = $1::uuid AND site_id = $2::uuid RETURNING gone.n",
            site_params().integer(excess));
        if (!site_trim) {
            return std::move(site_trim).error();
        }
        pruned.by_site = static_cast<std::uint64_t>(site_trim->integer(0, 0));
    }
    if (auto s = tx->commit(); !s) {
        return std::move(s).error();
    }
    return pruned;
}

Status record_command_result(db::Connection& conn, const sites::SiteIdentity& site,
                             const CommandResult& c) {
    return done(conn.query(
        "storing the command result",
        "UPDATE commands SET status = CASE WHEN $4::boolean THEN 'succeeded' ELSE 'failed' END, "
        "finished_at = now(), message = $5, run_id = $6 WHERE tenant_id = $1::uuid AND "
        "command_id = $3::uuid AND site_id = $2::uuid",
        db::Params()
            .text(site.tenant_id)
            .text(site.site_id)
            .text(c.id)
            .boolean(c.ok)
            .text(c.message)
            .optional_text(c.run_id)));
}

Expected<std::vector<Command>> take_pending_commands(db::Connection& conn,
                                                     const sites::SiteIdentity& site) {
    auto r = conn.query("reading pending commands",
                        "WITH sent AS (UPDATE commands SET status = 'sent', sent_at = now() "
                        "WHERE tenant_id = $1::uuid AND site_id = $2::uuid AND status = "
                        "'pending' RETURNING command_id, command, entity, created_at) "
                        "SELECT command_id, command, entity FROM sent ORDER BY created_at",
                        db::Params().text(site.tenant_id).text(site.site_id));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<Command> out;
    for (int i = 0; i < r->rows(); ++i) {
        Command c{std::string(r->text(i, 0)), std::string(r->text(i, 1)), std::nullopt};
        if (!r->is_null(i, 2)) {
            c.entity = std::string(r->text(i, 2));
        }
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace cs::relay::agent_link::store

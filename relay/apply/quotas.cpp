#include "relay/apply/quotas.hpp"

#include <fmt/format.h>

namespace cs::relay::apply {
namespace {

// A PostgreSQL array literal of UUIDs (validated by the caller: no quoting needed).
std::string uuid_array(const std::vector<std::string>& ids) {
    std::string out = "{";
    for (const auto& id : ids) {
        out += (out.size() > 1 ? "," : "") + id;
    }
    return out + "}";
}

// The distinct entities of a table keyed (tenant_id, site_id, entity, ...),
// found one index probe at a time (a loose index scan), at most $3 of them.
constexpr std::string_view kWalk = R"sql(
    {0}_walk(entity, n) AS (
        (SELECT entity, 1 FROM {0} WHERE tenant_id = $1::uuid AND site_id = $2::uuid
         ORDER BY entity LIMIT 1)
        UNION ALL
        SELECT (SELECT x.entity FROM {0} x WHERE x.tenant_id = $1::uuid AND x.site_id = $2::uuid
                  AND x.entity > w.entity ORDER BY x.entity LIMIT 1), w.n + 1
        FROM {0}_walk w WHERE w.entity IS NOT NULL AND w.n < $3::int))sql";

}  // namespace

Expected<std::optional<std::string>> refuse_new_streams(db::Connection& conn, const SiteRef& site,
                                                        const std::vector<std::string>& streams,
                                                        std::size_t max_streams) {
    if (streams.empty()) {
        return std::optional<std::string>();
    }
    auto r = conn.query(
        "checking the site's stream quota",
        "WITH fresh AS (SELECT min(n.id::text) AS first, count(*) AS n FROM unnest($3::uuid[]) "
        "AS n(id) WHERE NOT EXISTS (SELECT 1 FROM streams s WHERE s.tenant_id = $1::uuid AND "
        "s.stream_id = n.id)) "
        "SELECT first, n, CASE WHEN n > 0 THEN (SELECT count(*) FROM streams WHERE tenant_id = "
        "$1::uuid AND site_id = $2::uuid) ELSE 0 END FROM fresh",
        db::Params().text(site.tenant_id).text(site.site_id).text(uuid_array(streams)));
    if (!r) {
        return std::move(r).error();
    }
    auto fresh = static_cast<std::size_t>(r->integer(0, 1));
    auto existing = static_cast<std::size_t>(r->integer(0, 2));
    if (fresh == 0 || existing + fresh <= max_streams) {
        return std::optional<std::string>();
    }
    // Kept short: it is also a WebSocket close reason (123 bytes at most).
    return std::optional<std::string>(
        fmt::format("stream quota: site has {} streams, limits.max_streams_per_site is {}; new "
                    "stream {} refused",
                    existing, max_streams, r->text(0, 0)));
}

Expected<std::optional<std::string>> refuse_new_entity(db::Connection& conn, const SiteRef& site,
                                                       const std::string& entity,
                                                       std::size_t max_entities) {
    auto known = conn.query(
        "checking whether the entity is new",
        "SELECT EXISTS (SELECT 1 FROM records WHERE tenant_id = $1::uuid AND site_id = $2::uuid "
        "AND entity = $3) OR EXISTS (SELECT 1 FROM pending_children WHERE tenant_id = $1::uuid "
        "AND site_id = $2::uuid AND entity = $3)",
        db::Params().text(site.tenant_id).text(site.site_id).text(entity));
    if (!known) {
        return std::move(known).error();
    }
    if (known->boolean(0, 0)) {
        return std::optional<std::string>();
    }
    // Each walk stops at the cap, so the union reaches it exactly when the site
    // is full, however many entities it holds.
    auto counted = conn.query(
        "counting the site's entities",
        fmt::format("WITH RECURSIVE {}, {} SELECT count(*) FROM (SELECT entity FROM records_walk "
                    "UNION SELECT entity FROM pending_children_walk) e WHERE entity IS NOT NULL",
                    fmt::format(kWalk, "records"), fmt::format(kWalk, "pending_children")),
        db::Params()
            .text(site.tenant_id)
            .text(site.site_id)
            .integer(static_cast<std::int64_t>(max_entities)));
    if (!counted) {
        return std::move(counted).error();
    }
    auto entities = static_cast<std::size_t>(counted->integer(0, 0));
    if (entities < max_entities) {
        return std::optional<std::string>();
    }
    return std::optional<std::string>(fmt::format(
        "entity '{}' refused: the site already has {} entities, the limit set by "
        "limits.max_entities_per_site; nothing of this change set was applied (the site's other "
        "entities are unaffected)",
        entity, max_entities));
}

}  // namespace cs::relay::apply

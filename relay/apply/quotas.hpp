#pragma once

// Per-site quotas on what an agent can make the relay store, so that a site
// key in the wrong hands cannot grow the database without bound. Checked only
// when something new appears (a stream, an entity): what a site already has is
// always allowed, so the usual change set costs one index probe. The caller
// holds the site lock (one session per site), which keeps check and insert
// from racing; docs/security.md, section 3, "A compromised agent".

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/base/expected.hpp"
#include "relay/apply/prepare.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::apply {

// The defaults are those of the relay configuration (limits.*_per_site).
struct SiteQuotas {
    std::size_t max_entities = 200;  // distinct entities with records or parked rows
    std::size_t max_streams = 16;    // rows in streams (each agent install makes one)
};

// Why `streams` (stream ids) would take the site past `max_streams`, naming the
// first one the relay has not seen and limits.max_streams_per_site; nullopt
// when they are all known or fit. Counts the site's streams only when one is new.
Expected<std::optional<std::string>> refuse_new_streams(db::Connection& conn, const SiteRef& site,
                                                        const std::vector<std::string>& streams,
                                                        std::size_t max_streams);

// Why a change set for `entity` is refused when the site has no records or
// parked rows of it and already has `max_entities` entities; nullopt when the
// entity is known or fits. Counting walks the primary keys entity by entity
// and stops at the cap, so it never reads the rows themselves.
Expected<std::optional<std::string>> refuse_new_entity(db::Connection& conn, const SiteRef& site,
                                                       const std::string& entity,
                                                       std::size_t max_entities);

}  // namespace cs::relay::apply

#pragma once

#include <string>
#include <vector>

#include "common/base/expected.hpp"
#include "relay/agent_link/protocol/messages.hpp"
#include "relay/db/connection.hpp"
#include "relay/sites/sites.hpp"

// What an agent session reads and writes besides change sets. Every function
// runs on the session's own connection (the one holding the site lock).
namespace cs::relay::agent_link::store {

// Announced by a relay instance that received a newer connection for a site
// (payload "<site_id> <session_id>"); the instance holding the site closes its
// older session with 4004.
inline constexpr std::string_view kTakeoverChannel = "contractsync_site_takeover";
// Announced when the API queues a command for a site (payload: site_id); the
// instance holding the site's session sends the pending commands at once.
inline constexpr std::string_view kCommandChannel = "contractsync_site_command";

// Session-level advisory lock: one writer per site across relay instances.
Expected<bool> try_lock_site(db::Connection& conn, const std::string& site_id);
Status unlock_site(db::Connection& conn, const std::string& site_id);
Status announce_takeover(db::Connection& conn, const std::string& site_id,
                         const std::string& session_id);

// The stream positions for the welcome (0 for streams the relay has not seen).
Expected<std::vector<StreamPosition>> stream_positions(db::Connection& conn,
                                                       const sites::SiteIdentity& site,
                                                       const std::vector<std::string>& streams);
// Still valid now that this session holds the lock (a revocation may have raced).
Expected<bool> key_active(db::Connection& conn, const sites::SiteIdentity& site);

// Also opens the site's connection-history row. `liveness_seconds`: how long
// the site counts as online after its last frame without a newer one.
Status mark_online(db::Connection& conn, const sites::SiteIdentity& site,
                   const std::string& session_id, const std::string& instance, const Hello& hello,
                   const std::string& address, int liveness_seconds);
// Only while this session is the one that marked the site online.
Status mark_offline(db::Connection& conn, const sites::SiteIdentity& site,
                    const std::string& session_id);
Status touch_online(db::Connection& conn, const sites::SiteIdentity& site,
                    const std::string& session_id);

Status record_heartbeat(db::Connection& conn, const sites::SiteIdentity& site,
                        const std::string& session_id, const Heartbeat& heartbeat);
Status record_run_report(db::Connection& conn, const sites::SiteIdentity& site,
                         const RunReport& report);
struct FailedRowCaps {
    std::size_t per_entity = 10'000;  // limits.failed_rows_cap
    std::size_t per_site = 100'000;   // limits.max_failed_rows_per_site
};
// How many of the oldest rows each cap dropped.
struct FailedRowsPruned {
    std::uint64_t by_entity = 0;
    std::uint64_t by_site = 0;
};
// Inserts (or refreshes) the rows, trims the entity to its newest
// `caps.per_entity`, then the site to its newest `caps.per_site`. `stream_id`
// is the agent's stream (hello.agent_id): with the row id it makes a resent
// batch an update, not new rows. Keeps sites.failed_row_count in step.
Expected<FailedRowsPruned> record_failed_rows(db::Connection& conn, const sites::SiteIdentity& site,
                                              const std::string& stream_id, const FailedRows& rows,
                                              const FailedRowCaps& caps);
Status record_command_result(db::Connection& conn, const sites::SiteIdentity& site,
                             const CommandResult& result);
// Pending commands for the site, marked as sent.
Expected<std::vector<Command>> take_pending_commands(db::Connection& conn,
                                                     const sites::SiteIdentity& site);

}  // namespace cs::relay::agent_link::store

#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "agent/config/agent_config.hpp"
#include "agent/store/state_db.hpp"
#include "agent/track/run_record.hpp"

namespace cs::agent {

struct SyncOptions {
    std::vector<std::string> entities;  // empty: all, in dependency order
    bool full = false;                  // re-read even content that was already processed
    bool force = false;                 // apply deletes above max_delete_fraction
    const std::atomic<bool>* stop = nullptr;
    // Asked between pages of a p21/odata read: true when that entity's window
    // has closed; the read stops there and continues in the next run.
    std::function<bool(const std::string& entity)> pause;
};

struct SyncReport {
    std::vector<RunRecord> runs;
    std::vector<std::string> notes;  // e.g. "vendor_contracts: no files ready in /srv/drop"
    bool problems() const;           // a run failed or was refused
};

// Syncs the configured entities from their sources once: for folder sources,
// every stable file that matches the entity's patterns, oldest first; each file
// ends in processed/ or, with a reason file, in failed/. For p21/odata sources,
// one read per entity (full, or incremental from the watermark) and the key
// sweep when it is due (agent/sync/odata_sync.hpp).
Expected<SyncReport> sync_entities(const AgentConfig& config, StateDb& store,
                                   const SyncOptions& options);

// Runs failed rows (all, one entity's, or one row) through the pipeline again
// with the current configuration. Rows that pass leave the failed-rows store;
// rows that still fail stay there with their new reason.
Expected<SyncReport> retry_failed(const AgentConfig& config, StateDb& store,
                                  const std::string& entity, std::int64_t id);

}  // namespace cs::agent

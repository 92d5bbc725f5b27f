#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "agent/config/agent_config.hpp"
#include "agent/source/odata/odata_client.hpp"
#include "agent/store/state_db.hpp"
#include "agent/track/run_record.hpp"

namespace cs::agent::odata {

struct EntityRunOptions {
    bool full = false;   // read every row even when a watermark exists
    bool force = false;  // apply deletes above max_delete_fraction
    bool sweep = false;  // run the key sweep now, whatever its schedule
    const std::atomic<bool>* stop = nullptr;
    // Asked between pages: true when the entity's window has closed. A full
    // read stops there and keeps a cursor; the next run continues after it.
    std::function<bool()> pause;
};

// Syncs one entity of a p21/odata source through the pipeline: a full read
// the first time (or with `full`, or when the entity is not incremental), then
// reads of rows modified since the watermark minus the look-back; deleted rows
// are found by the key sweep when it is due. The watermark advances only after
// a run succeeded, i.e. after its change sets were committed to the outbox.
// A full read stopped between pages (pause, stop, a failed page) saves a
// cursor; the next full read continues after it and, when it completes, runs
// the key sweep to find deletes (docs/p21-source.md, "Long first loads").
// Returns one run record per read (the read, then the sweep if one ran).
Expected<std::vector<RunRecord>> sync_odata_entity(StateDb& store, const EntityConfig& entity,
                                                   OdataClient& client,
                                                   const EntityRunOptions& options);

// A key-only full read ($select of the key columns) that deletes rows whose
// keys the source no longer has, under the entity's delete guard. Nothing is
// deleted unless every page was read.
Expected<RunRecord> sweep_keys(StateDb& store, const EntityConfig& entity, OdataClient& client,
                               const EntityRunOptions& options);

}  // namespace cs::agent::odata

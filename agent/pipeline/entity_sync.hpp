#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "agent/delta/delta_writer.hpp"
#include "agent/identity/identity.hpp"
#include "agent/normalize/field_spec.hpp"
#include "agent/store/state_db.hpp"
#include "agent/track/run_record.hpp"
#include "common/rows/raw_batch.hpp"

namespace cs::agent {

// Everything the pipeline needs to know about one entity, built from config.
struct EntityPlan {
    std::string name;
    std::vector<FieldSpec> fields;  // normalize/map/validate rules, in entity order
    IdentitySpec identity;          // the same fields as wire schema, key, parent, rowversion
    DeltaOptions delta;
    std::string fingerprint;        // of the entity's configuration; part of the raw-row context
    std::size_t batch_rows = 4096;  // with the batch pool, this bounds the memory in flight
    unsigned workers = 0;           // normalize threads; 0 = one per core
};

struct SyncRequest {
    std::string source;         // file name or URL, recorded with the run and failed rows
    std::string mode = "full";  // full | incremental | retry
    const std::atomic<bool>* stop = nullptr;  // set to stop between batches
};

// Runs sources -> normalize -> validate -> identity -> delta -> outbox for one
// entity over one reader. The run is recorded whatever happens; the returned
// record says how it ended (succeeded, failed with the reason, or refused by the
// delete guard). An Error means the store itself failed.
Expected<RunRecord> sync_entity(StateDb& store, const EntityPlan& plan, RowReader& reader,
                                const SyncRequest& request);

}  // namespace cs::agent

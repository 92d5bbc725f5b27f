#include "agent/sync/entity_plan.hpp"

namespace cs::agent {

EntityPlan entity_plan(const EntityConfig& entity) {
    EntityPlan plan;
    plan.name = entity.name;
    plan.fields = entity.fields;
    plan.identity = entity.identity;
    plan.delta.full_read = entity.snapshot;
    plan.delta.snapshot_dir = entity.index_dir;
    plan.delta.max_delete_fraction = entity.max_delete_fraction;
    plan.delta.max_rows_per_set = entity.change_set_rows;
    plan.fingerprint = entity.fingerprint;
    return plan;
}

}  // namespace cs::agent

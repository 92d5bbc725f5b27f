#pragma once

#include "agent/config/agent_config.hpp"
#include "agent/pipeline/entity_sync.hpp"

namespace cs::agent {

// What the pipeline runs for one configured entity: its fields, identity and
// delta options (a snapshot entity's full read deletes what it did not see;
// the key index is kept in its index_dir). Callers adjust the plan per
// run (force, a resumed or incremental read, a retry).
EntityPlan entity_plan(const EntityConfig& entity);

}  // namespace cs::agent

#pragma once

#include <vector>

#include <nlohmann/json.hpp>

namespace cs::relay::api::routes {

// A record's change_log rows (newest first, an update's with the `old_data` it
// replaced: {"field": [old value]}) as its history: every update gets
// `changes`, [{field, from, to}], "to" read from the version after it (the
// newest from `current`, the record's data now), which undoing the update then
// turns into the version before it. An update logged without old data (before
// schema version 12) has `changes` null, and so does every older one, since
// the versions they made are no longer known.
nlohmann::json field_history(std::vector<nlohmann::json> entries, const nlohmann::json& current);

}  // namespace cs::relay::api::routes

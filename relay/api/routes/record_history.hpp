#pragma once

#include <vector>

#include <nlohmann/json.hpp>

namespace cs::relay::api::routes {

// A record's change_log rows (newest first, an update's with the `old_data` it
// replaced) as its history: every update gets `changes`, [{field, from, to}],
// from comparing its old data with the version after it (the newest with
// `current`, the record's data now). An update logged without old data (before
// schema version 12) has `changes` null, and so does every older one, since
// the versions they made are no longer known.
nlohmann::json field_history(std::vector<nlohmann::json> entries, const nlohmann::json& current);

}  // namespace cs::relay::api::routes

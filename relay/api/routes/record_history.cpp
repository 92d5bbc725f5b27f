#include "relay/api/routes/record_history.hpp"

#include <string>

namespace cs::relay::api::routes {
namespace {

using json = nlohmann::json;

json member(const json& object, const std::string& name) {
    auto it = object.find(name);
    return it == object.end() ? json() : *it;
}

}  // namespace

json field_history(std::vector<json> entries, const json& current) {
    json out = json::array();
    // The record's data right after the entry being looked at; null once unknown.
    json after = current.is_object() ? current : json();
    for (auto& entry : entries) {
        auto old_values = member(entry, "old_data");
        entry.erase("old_data");
        const auto op = member(entry, "op");
        entry["changes"] = nullptr;
        if (op == "update" && old_values.is_object() && after.is_object()) {
            // Undo the update: each changed field gets back its old value.
            json changes = json::array();
            for (const auto& [field, was] : old_values.items()) {
                json from = was.is_array() && !was.empty() ? was[0] : json();
                changes.push_back({{"field", field}, {"from", from}, {"to", member(after, field)}});
                if (from.is_null()) {
                    after.erase(field);
                } else {
                    after[field] = std::move(from);
                }
            }
            entry["changes"] = std::move(changes);
        } else if (op != "delete") {
            after = json();  // an insert, or an update logged before version 12
        }
        out.push_back(std::move(entry));
    }
    return out;
}

}  // namespace cs::relay::api::routes

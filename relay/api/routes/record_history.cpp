#include "relay/api/routes/record_history.hpp"

#include <set>
#include <string>

namespace cs::relay::api::routes {
namespace {

using json = nlohmann::json;

json member(const json& object, const std::string& name) {
    auto it = object.find(name);
    return it == object.end() ? json() : *it;
}

json changes_between(const json& before, const json& after) {
    std::set<std::string> names;
    for (const auto& [k, v] : before.items()) {
        names.insert(k);
    }
    for (const auto& [k, v] : after.items()) {
        names.insert(k);
    }
    json out = json::array();
    for (const auto& name : names) {
        auto from = member(before, name);
        auto to = member(after, name);
        if (from != to) {
            out.push_back({{"field", name}, {"from", std::move(from)}, {"to", std::move(to)}});
        }
    }
    return out;
}

}  // namespace

json field_history(std::vector<json> entries, const json& current) {
    json out = json::array();
    // The record's data right after the entry being looked at; null once unknown.
    json after = current.is_object() ? current : json();
    for (auto& entry : entries) {
        auto old_data = member(entry, "old_data");
        entry.erase("old_data");
        const auto op = member(entry, "op");
        entry["changes"] = nullptr;
        if (op == "update" && old_data.is_object() && after.is_object()) {
            entry["changes"] = changes_between(old_data, after);
        }
        if (op == "update") {
            after = old_data.is_object() ? std::move(old_data) : json();
        } else if (op == "insert") {
            after = json();  // nothing came before an insert
        }
        out.push_back(std::move(entry));
    }
    return out;
}

}  // namespace cs::relay::api::routes
